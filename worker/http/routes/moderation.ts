import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
	ApiError,
	banList,
	issuedBan,
	issuedMute,
	kickBody,
	moderatorList,
	sanctionBody,
} from "../../protocol";
import { chatNotFound } from "../../refusals";
import type { ModerationRequest } from "../../room/moderation-desk";
import { roomStub } from "../../routing/room-stub";
import { type AppEnv, actingUser, bearerToken, requireToken } from "../access";
import { bearerSecurity, chatIdParam, errorResponse, jsonBody, jsonResponse } from "../schemas";

const userParam = chatIdParam.extend({
	userId: z
		.string()
		.regex(/^u[A-Za-z0-9]{15}$/, { message: "not a user id" })
		.openapi({ param: { name: "userId", in: "path" }, example: "u3kTMd9pQ2xLw7Rb" }),
});

const refusals = {
	400: errorResponse("Invalid body or user id"),
	401: errorResponse("Missing, invalid, expired or other-chat token"),
	403: errorResponse(
		"Not allowed: not the owner or a moderator, a moderator acting on the owner or a moderator (`forbidden`), or banned (`banned`)",
	),
	404: errorResponse("No such chat, no such user in it, or nothing to lift"),
};

/** Carries out one moderation request in the chat, which checks who may, from its own state. */
async function moderate(c: Context<AppEnv>, id: string, request: ModerationRequest) {
	const user = await actingUser(c, id);
	const outcome = await roomStub(c.env, id).moderate(user, request);
	if (!outcome) throw chatNotFound();
	if (!outcome.ok) throw new ApiError(outcome.status, outcome.code, outcome.message);
	return outcome;
}

function sanctionOf(outcome: Awaited<ReturnType<typeof moderate>>) {
	if (!outcome.sanction) throw new Error("a mute or ban came back without its record");
	return outcome.sanction;
}

const noContent = (description: string) => ({ 204: { description }, ...refusals });

export const moderation = new OpenAPIHono<AppEnv>()
	.openapi(
		createRoute({
			method: "put",
			path: "/chats/{id}/moderators/{userId}",
			summary: "Make a user a moderator (owner only)",
			description:
				"The user must have had a token for this chat. Their next tokens and sockets carry role `moderator`; the chat checks its own list, so the role counts at once.",
			security: bearerSecurity,
			request: { params: userParam },
			responses: noContent("Now a moderator"),
		}),
		async (c) => {
			const { id, userId } = c.req.valid("param");
			await moderate(c, id, { action: "promote", userId });
			return c.body(null, 204);
		},
	)
	.openapi(
		createRoute({
			method: "delete",
			path: "/chats/{id}/moderators/{userId}",
			summary: "Take a user's moderator role away (owner only)",
			description: "Takes effect at once, whatever role the user's current token names.",
			security: bearerSecurity,
			request: { params: userParam },
			responses: noContent("No longer a moderator"),
		}),
		async (c) => {
			const { id, userId } = c.req.valid("param");
			await moderate(c, id, { action: "demote", userId });
			return c.body(null, 204);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/chats/{id}/moderators",
			summary: "List the chat's moderators",
			description: "Any token of the chat may read the list.",
			security: bearerSecurity,
			request: { params: chatIdParam },
			responses: { 200: jsonResponse(moderatorList, "The moderators"), ...refusals },
		}),
		async (c) => {
			const { id } = c.req.valid("param");
			await requireToken(c, id, bearerToken(c));
			const moderators = await roomStub(c.env, id).moderatorList();
			if (!moderators) throw chatNotFound();
			return c.json({ moderators }, 200);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/chats/{id}/kicks",
			summary: "Kick a user (owner or moderator)",
			description:
				'Every socket gets `{type:"moderation", action:"kicked"}`; the user\'s sockets then get an `error` frame `kicked` and close with 4001. They may come back.',
			security: bearerSecurity,
			request: { params: chatIdParam, body: jsonBody(kickBody) },
			responses: noContent("Kicked"),
		}),
		async (c) => {
			const { id } = c.req.valid("param");
			await moderate(c, id, { action: "kick", ...c.req.valid("json") });
			return c.body(null, 204);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/chats/{id}/mutes",
			summary: "Mute a user (owner or moderator)",
			description:
				"A muted user still reads; sends get `muted` (an error frame, or 403 over HTTP) until the mute ends (no `seconds`: until lifted). A second mute replaces the first.",
			security: bearerSecurity,
			request: { params: chatIdParam, body: jsonBody(sanctionBody) },
			responses: { 201: jsonResponse(issuedMute, "Muted"), ...refusals },
		}),
		async (c) => {
			const { id } = c.req.valid("param");
			const outcome = await moderate(c, id, { action: "mute", ...c.req.valid("json") });
			return c.json({ mute: sanctionOf(outcome) }, 201);
		},
	)
	.openapi(
		createRoute({
			method: "delete",
			path: "/chats/{id}/mutes/{userId}",
			summary: "Lift a mute (owner or moderator)",
			security: bearerSecurity,
			request: { params: userParam },
			responses: noContent("Unmuted"),
		}),
		async (c) => {
			const { id, userId } = c.req.valid("param");
			await moderate(c, id, { action: "unmute", userId });
			return c.body(null, 204);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/chats/{id}/bans",
			summary: "Ban a user (owner or moderator)",
			description:
				"The user's sockets get an `error` frame `banned` and close with 4003; their tokens, token refreshes and upgrades get 403 `banned`, and so do new identities from the network address they last took a token from (CF-Connecting-IP; only a keyed digest is stored), until the ban ends (no `seconds`: until lifted).",
			security: bearerSecurity,
			request: { params: chatIdParam, body: jsonBody(sanctionBody) },
			responses: { 201: jsonResponse(issuedBan, "Banned"), ...refusals },
		}),
		async (c) => {
			const { id } = c.req.valid("param");
			const outcome = await moderate(c, id, { action: "ban", ...c.req.valid("json") });
			return c.json({ ban: sanctionOf(outcome) }, 201);
		},
	)
	.openapi(
		createRoute({
			method: "delete",
			path: "/chats/{id}/bans/{userId}",
			summary: "Lift a ban (owner or moderator)",
			security: bearerSecurity,
			request: { params: userParam },
			responses: noContent("Unbanned"),
		}),
		async (c) => {
			const { id, userId } = c.req.valid("param");
			await moderate(c, id, { action: "unban", userId });
			return c.body(null, 204);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/chats/{id}/bans",
			summary: "List the bans in force (owner or moderator)",
			security: bearerSecurity,
			request: { params: chatIdParam },
			responses: { 200: jsonResponse(banList, "Bans in force"), ...refusals },
		}),
		async (c) => {
			const { id } = c.req.valid("param");
			const { user } = await requireToken(c, id, bearerToken(c));
			const bans = await roomStub(c.env, id).banList(user);
			if (!bans) throw chatNotFound();
			if (bans === "forbidden")
				throw new ApiError(403, "forbidden", "Only the chat's owner and moderators may list bans");
			return c.json({ bans }, 200);
		},
	);
