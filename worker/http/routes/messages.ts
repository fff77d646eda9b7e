import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { hasApiKey } from "../../auth/api-keys";
import {
	ApiError,
	historyPage,
	historyQuery,
	postedMessage,
	postMessageBody,
	type SessionUser,
	type UserRef,
} from "../../protocol";
import { chatNotFound } from "../../refusals";
import {
	type AppEnv,
	actingUser,
	backendActor,
	bearerToken,
	readAccess,
	requireToken,
	roomStub,
} from "../access";
import {
	apiKeySecurity,
	bearerSecurity,
	chatIdParam,
	chatKeyHeaders,
	errorResponse,
	jsonBody,
	jsonResponse,
} from "../schemas";

const seqParam = chatIdParam.extend({
	seq: z.coerce
		.number()
		.int()
		.positive()
		.openapi({ param: { name: "seq", in: "path" }, example: 42 }),
});

export const messages = new OpenAPIHono<AppEnv>()
	.openapi(
		createRoute({
			method: "get",
			path: "/chats/{id}/messages",
			summary: "Page through history",
			description:
				"Ascending by seq. No cursor: the newest `limit`. `before`: the `limit` just below it. `after`: the " +
				"`limit` just above it. Private chats need a bearer token (or the key, as X-Chat-Key or ?key=).",
			security: [{}, ...bearerSecurity],
			request: {
				params: chatIdParam,
				query: historyQuery.extend({ key: z.string().max(200).optional() }),
				headers: chatKeyHeaders,
			},
			responses: {
				200: jsonResponse(historyPage, "A page of messages"),
				400: errorResponse("Invalid cursor or limit"),
				401: errorResponse("Invalid or expired token"),
				404: errorResponse("No such chat, or private without credentials"),
			},
		}),
		async (c) => {
			const { id } = c.req.valid("param");
			const { key, ...query } = c.req.valid("query");
			await readAccess(c, id, key);
			const page = await roomStub(c.env, id).readHistory(query);
			if (!page) throw chatNotFound();
			return c.json(page, 200);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/chats/{id}/messages",
			summary: "Post a message",
			description:
				"Broadcast to the chat's sockets. Retrying with the same clientId stores nothing new and returns the " +
				"original message with 200. With an X-API-Key (no token), `user:{id, name}` is required and the " +
				"message is posted under that user without joining. `replyTo` names the message this one answers " +
				"(the stored message carries its quote); `mentions` names users of the chat by id; `attachments` names " +
				"files the sender uploaded to this chat (POST /chats/{id}/files), and with them `text` may be empty.",
			security: [...bearerSecurity, ...apiKeySecurity],
			request: { params: chatIdParam, body: jsonBody(postMessageBody) },
			responses: {
				200: jsonResponse(postedMessage, "Already posted with this clientId: the original"),
				201: jsonResponse(postedMessage, "Stored and broadcast"),
				400: errorResponse(
					"Invalid body (empty text without attachments), `replyTo` names no message of this chat or a deleted one, " +
						"more than 20 `mentions`, or more than 4 `attachments` or one that is not the sender's upload to this chat " +
						"or is already attached",
				),
				401: errorResponse("Missing, invalid, expired or other-chat token"),
				403: errorResponse(
					"The sender is muted (`muted`) or banned (`banned`), or the chat is read-only (`forbidden`)",
				),
				404: errorResponse("No such chat"),
				429: errorResponse(
					"Rate limited (`rate_limited`) or slow mode (`slow_mode`); wait `error.retryAfterMs` ms (or Retry-After seconds)",
				),
			},
		}),
		async (c) => {
			const { id } = c.req.valid("param");
			// The body's schema let through only the draft's fields and `user`: the rest is the draft.
			const { user: named, ...draft } = c.req.valid("json");
			const user = await poster(c, id, named);
			// A backend's posts carry the files it uploaded with its key.
			const uploader = (await hasApiKey(c)) ? backendActor.id : user.id;
			const result = await roomStub(c.env, id).post(user, draft, undefined, uploader);
			if (result.kind === "refused") throw ApiError.of(result);
			return c.json({ message: result.message }, result.kind === "created" ? 201 : 200);
		},
	)
	.openapi(
		createRoute({
			method: "delete",
			path: "/chats/{id}/messages/{seq}",
			summary: "Delete a message (your own; the owner and moderators: anyone's)",
			description:
				'The text is removed from the log; sockets get `{type:"deleted", seq}`. A token, or an X-API-Key (as the owner).',
			security: [...bearerSecurity, ...apiKeySecurity],
			request: { params: seqParam },
			responses: {
				204: { description: "Deleted" },
				401: errorResponse("Missing, invalid, expired or other-chat token"),
				403: errorResponse("Another's message, and not the owner or a moderator"),
				404: errorResponse("No such chat or message"),
			},
		}),
		async (c) => {
			const { id, seq } = c.req.valid("param");
			const user = await actingUser(c, id);
			// The chat decides, from its own list of moderators: a demotion counts at once.
			const outcome = await roomStub(c.env, id).remove(user, seq);
			if (outcome.kind === "refused") throw ApiError.of(outcome);
			return c.body(null, 204);
		},
	);

/** Who posts: a backend names the user itself (API key); everyone else is the user of their token. */
async function poster(c: Context<AppEnv>, id: string, named: UserRef | undefined): Promise<SessionUser> {
	if (await hasApiKey(c)) {
		if (named === undefined) {
			throw new ApiError(
				400,
				"bad_request",
				"user: required with an API key ({text, clientId?, user:{id, name}})",
			);
		}
		// The backend acts as the owner (read-only and slow mode are not for it); the chat still
		// refuses a muted or banned user id.
		return { id: named.id, name: named.name, role: "owner" };
	}
	// Without an API key, `user` is ignored like any unknown field: a token's user posts as itself.
	const { user } = await requireToken(c, id, bearerToken(c));
	return user;
}
