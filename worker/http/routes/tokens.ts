import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { hasApiKey } from "../../auth/api-keys";
import { issueSessionToken } from "../../auth/tokens";
import { readSettings } from "../../config";
import { newUserId } from "../../ids";
import { ApiError, issuedToken, type TokenRequest, tokenBody } from "../../protocol";
import { knownChatId } from "../../routing/room-stub";
import { admitToken } from "../../routing/shard-router";
import { type AppEnv, previousToken } from "../access";
import { limitAddress } from "../address-limit";
import { presentedKey } from "../chat-key";
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
		const id = knownChatId(c.req.valid("param").id);
		const body = c.req.valid("json");
		// Without an API key, user and role are ignored like any unknown field (as they always were).
		const backend = await hasApiKey(c);
		const previous = backend ? null : await previousToken(c, id);
		const named = backend ? backendUser(body) : guestUser(body, previous?.user.id);
		const key = backend ? undefined : presentedKey(c, body.key);
		// A backend's own requests come from its servers: the per-address rules are for people.
		const address = backend ? null : await limitAddress(c, "tokens");
		// One call to the chat, where the key digests, bans and moderators live (the root, or the
		// shard this join goes to): a rotated key, a ban or a demotion counts at once, whatever
		// any Worker cached.
		const admission = await admitToken(c.env, id, {
			userId: named.id,
			name: named.name,
			previousRole: previous?.user.role ?? null,
			...(key !== undefined && { key }),
			...(named.backendRole !== undefined && { backendRole: named.backendRole }),
			address,
		});
		if (admission.kind === "refused") throw ApiError.of(admission);
		const user = { id: named.id, name: named.name, role: admission.role };
		const issued = await issueSessionToken(
			c.env.TOKEN_SECRET,
			id,
			user,
			readSettings(c.env),
			previous?.sessionStartedAt,
		);
		return c.json(issued, 201);
	},
);

/** A backend names its user itself: the id is the backend's own, kept verbatim in the token. */
function backendUser(body: TokenRequest) {
	if (body.user === undefined) {
		throw new ApiError(400, "bad_request", "user: required with an API key ({user:{id, name}, role?})");
	}
	return { id: body.user.id, name: body.user.name, backendRole: body.role ?? "member" };
}

/** Everyone else gets an id minted here, or kept from a previous token of theirs. */
function guestUser(body: TokenRequest, previousId: string | undefined) {
	if (body.name === undefined) throw new ApiError(400, "bad_request", "name: required");
	return { id: previousId ?? newUserId(), name: body.name, backendRole: undefined };
}
