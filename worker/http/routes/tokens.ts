import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { issueToken } from "../../auth/tokens";
import { readSettings } from "../../config";
import { newUserId } from "../../ids";
import { issuedToken, tokenBody } from "../../protocol";
import { type AppEnv, previousToken } from "../access";
import { limitAddress } from "../address-limit";
import { ApiError, chatNotFound } from "../api-error";
import { presentedKey } from "../chat-key";
import { roomStub } from "../room-stub";
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
			"(30 days by default), and older ones get 401.",
		security: [{}, ...bearerSecurity],
		request: { params: chatIdParam, body: jsonBody(tokenBody), headers: chatKeyHeaders },
		responses: {
			201: jsonResponse(issuedToken, "A signed token bound to this chat"),
			400: errorResponse("Invalid body"),
			401: errorResponse("The previous token is invalid, or its session is older than the bound"),
			403: errorResponse(
				"Wrong key for a public chat (`forbidden`), or the user, or a new identity from a banned user's network address, is banned (`banned`)",
			),
			404: errorResponse("No such chat, or private and the key is missing or wrong"),
			429: errorResponse(
				"Too many tokens issued to this network address (ADDRESS_TOKENS_PER_MINUTE); see Retry-After",
			),
			500: errorResponse("TOKEN_SECRET is not configured"),
		},
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		const { name, key: keyInBody } = c.req.valid("json");
		const key = presentedKey(c, keyInBody);
		const previous = await previousToken(c, id);
		const userId = previous?.user.id ?? newUserId();
		const address = await limitAddress(c, "tokens");
		// One call to the chat, where the key digests, bans and moderators live: a rotated key,
		// a ban or a demotion counts at once, whatever any Worker cached.
		const admission = await roomStub(c.env, id).admitToken({
			userId,
			name,
			previousRole: previous?.user.role ?? null,
			...(key !== undefined && { key }),
			address,
		});
		if (!admission || admission.kind === "not_found") throw chatNotFound();
		if (admission.kind === "wrong_key")
			throw new ApiError(403, "forbidden", "The key does not match this chat");
		if (admission.kind === "banned") throw new ApiError(403, "banned", admission.message);
		const user = { id: userId, name, role: admission.role };
		const settings = readSettings(c.env);
		const now = Date.now();
		const sessionStartedAt = previous?.sessionStartedAt ?? now;
		// No token outlives its session: the last one of a chain expires when the session does.
		const expiresAt = Math.min(now + settings.tokenTtlMs, sessionStartedAt + settings.sessionMaxAgeMs);
		const token = await issueToken(c.env.TOKEN_SECRET, { chatId: id, user, expiresAt, sessionStartedAt });
		return c.json({ token, expiresAt, user }, 201);
	},
);
