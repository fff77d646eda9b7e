import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { hasApiKey } from "../../auth/api-keys";
import { issueToken, type TokenClaims } from "../../auth/tokens";
import { readSettings } from "../../config";
import { newUserId } from "../../ids";
import { issuedToken, type Role, type SessionUser, type TokenRequest, tokenBody } from "../../protocol";
import type { RoomInit } from "../../sequencer/room-record";
import { type AppEnv, checkKey, previousToken } from "../access";
import { ApiError, chatNotFound } from "../api-error";
import { presentedKey } from "../chat-key";
import { chatRecord } from "../chat-records";
import {
	bearerSecurity,
	chatIdParam,
	chatKeyHeaders,
	errorResponse,
	jsonBody,
	jsonResponse,
} from "../schemas";

export const tokens = new OpenAPIHono<AppEnv>().openapi(
	createRoute({
		method: "post",
		path: "/chats/{id}/tokens",
		summary: "Get a join token",
		description:
			"Private chats need `key` (inviteKey, or ownerKey for the owner role), in the body or as the " +
			"X-Chat-Key header. Send a previous token of " +
			"this chat as a bearer token (even one expired up to 7 days ago) to keep the same user id; a " +
			"session (the chain of refreshes since its first token) ends after SESSION_MAX_AGE_SECONDS " +
			"(30 days by default), and older ones get 401. With an X-API-Key, send `{user:{id, name}, role?}` " +
			"instead: the token carries that user id as it is (bring your own identity), in any chat.",
		security: [{}, ...bearerSecurity],
		request: { params: chatIdParam, body: jsonBody(tokenBody), headers: chatKeyHeaders },
		responses: {
			201: jsonResponse(issuedToken, "A signed token bound to this chat"),
			400: errorResponse("Invalid body"),
			401: errorResponse(
				"The previous token is invalid, its session is older than the bound, the API key is wrong, or user/role were sent without one",
			),
			403: errorResponse("Wrong key for a public chat"),
			404: errorResponse("No such chat, or private and the key is missing or wrong"),
			500: errorResponse("TOKEN_SECRET is not configured"),
		},
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		const body = c.req.valid("json");
		// Without an API key, user and role are ignored like any unknown field (as they always were).
		const backend = await hasApiKey(c);
		const previous = backend ? null : await previousToken(c, id);
		const chat = await chatRecord(c.env, id);
		if (!chat) throw chatNotFound();
		const user = backend
			? backendUser(body)
			: await guestUser(chat, body, presentedKey(c, body.key), previous);
		const settings = readSettings(c.env);
		const now = Date.now();
		const sessionStartedAt = previous?.sessionStartedAt ?? now;
		// No token outlives its session: the last one of a chain expires when the session does.
		const expiresAt = Math.min(now + settings.tokenTtlMs, sessionStartedAt + settings.sessionMaxAgeMs);
		const token = await issueToken(c.env.TOKEN_SECRET, { chatId: id, user, expiresAt, sessionStartedAt });
		return c.json({ token, expiresAt, user }, 201);
	},
);

/** A backend names its user itself: the id is the backend's own, kept verbatim in the token. */
function backendUser(body: TokenRequest): SessionUser {
	if (body.user === undefined) {
		throw new ApiError(400, "bad_request", "user: required with an API key ({user:{id, name}, role?})");
	}
	return { id: body.user.id, name: body.user.name, role: body.role ?? "member" };
}

/** Everyone else gets an id minted here (or kept from a previous token) and the role their key grants. */
async function guestUser(
	chat: RoomInit,
	body: TokenRequest,
	key: string | undefined,
	previous: TokenClaims | null,
): Promise<SessionUser> {
	if (body.name === undefined) throw new ApiError(400, "bad_request", "name: required");
	const keyRole = await checkKey(chat, key);
	// Whoever held a token for a private chat was let in with its key; a refresh need not ask again.
	if (chat.visibility === "private" && keyRole === null && previous === null) throw chatNotFound();
	const role: Role = keyRole === "owner" || previous?.user.role === "owner" ? "owner" : "member";
	return { id: previous?.user.id ?? newUserId(), name: body.name, role };
}
