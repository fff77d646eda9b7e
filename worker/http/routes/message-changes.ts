import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ApiError, editMessageBody, emoji, messageReactions, postedMessage } from "../../protocol";
import { roomStub } from "../../routing/room-stub";
import { type AppEnv, bearerToken, requireToken } from "../access";
import { bearerSecurity, chatIdParam, errorResponse, jsonBody, jsonResponse } from "../schemas";

const seqParam = chatIdParam.extend({
	seq: z.coerce
		.number()
		.int()
		.positive()
		.openapi({ param: { name: "seq", in: "path" }, example: 42 }),
});

const reactionParam = seqParam.extend({
	emoji: z.string().openapi({
		param: { name: "emoji", in: "path" },
		example: "%F0%9F%91%8D",
		description: emoji.description,
	}),
});

const refusals = {
	400: errorResponse(
		"Invalid body or emoji, a deleted message, a chat without history, or 20 reactions already",
	),
	401: errorResponse("Missing, invalid, expired or other-chat token"),
	403: errorResponse("Not your message (`forbidden`), or muted (`muted`) or banned (`banned`)"),
	404: errorResponse("No such chat or message"),
};

async function react(c: Context<AppEnv>, id: string, seq: number, raw: string, on: boolean) {
	const parsed = emoji.safeParse(raw);
	if (!parsed.success) throw new ApiError(400, "bad_request", parsed.error.issues[0]?.message ?? "bad emoji");
	const { user } = await requireToken(c, id, bearerToken(c));
	const outcome = await roomStub(c.env, id).react({ id: user.id, name: user.name }, seq, parsed.data, on);
	if (outcome.kind === "refused") throw ApiError.of(outcome);
	return c.json({ seq, reactions: outcome.reactions, rev: outcome.rev }, 200);
}

export const messageChanges = new OpenAPIHono<AppEnv>()
	.openapi(
		createRoute({
			method: "patch",
			path: "/chats/{id}/messages/{seq}",
			summary: "Edit your own message",
			description:
				'The text follows the rules of a new message. Sockets get `{type:"edited", message, rev}`; the message carries `editedAt` from then on, in history too.',
			security: bearerSecurity,
			request: { params: seqParam, body: jsonBody(editMessageBody) },
			responses: { 200: jsonResponse(postedMessage, "The message as edited"), ...refusals },
		}),
		async (c) => {
			const { id, seq } = c.req.valid("param");
			const { text } = c.req.valid("json");
			const { user } = await requireToken(c, id, bearerToken(c));
			const outcome = await roomStub(c.env, id).edit({ id: user.id, name: user.name }, seq, text);
			if (outcome.kind === "refused") throw ApiError.of(outcome);
			return c.json({ message: outcome.message }, 200);
		},
	)
	.openapi(
		createRoute({
			method: "put",
			path: "/chats/{id}/messages/{seq}/reactions/{emoji}",
			summary: "Add your reaction to a message",
			description:
				'`emoji` is URL-encoded. Adding a reaction you already gave changes nothing. Sockets get `{type:"reactions", seq, reactions, rev}`.',
			security: bearerSecurity,
			request: { params: reactionParam },
			responses: { 200: jsonResponse(messageReactions, "The message's reactions now"), ...refusals },
		}),
		async (c) => {
			const { id, seq } = c.req.valid("param");
			return react(c, id, seq, c.req.valid("param").emoji, true);
		},
	)
	.openapi(
		createRoute({
			method: "delete",
			path: "/chats/{id}/messages/{seq}/reactions/{emoji}",
			summary: "Take your reaction back",
			security: bearerSecurity,
			request: { params: reactionParam },
			responses: { 200: jsonResponse(messageReactions, "The message's reactions now"), ...refusals },
		}),
		async (c) => {
			const { id, seq } = c.req.valid("param");
			return react(c, id, seq, c.req.valid("param").emoji, false);
		},
	);
