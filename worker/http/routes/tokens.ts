import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { issueToken } from "../../auth/tokens";
import { readSettings } from "../../config";
import { newUserId } from "../../ids";
import { issuedToken, type Role, tokenBody } from "../../protocol";
import { type AppEnv, checkKey, previousToken } from "../access";
import { chatNotFound } from "../api-error";
import { chatRecord } from "../chat-records";
import { bearerSecurity, chatIdParam, errorResponse, jsonBody, jsonResponse } from "../schemas";

export const tokens = new OpenAPIHono<AppEnv>().openapi(
	createRoute({
		method: "post",
		path: "/chats/{id}/tokens",
		summary: "Get a join token",
		description:
			"Private chats need `key` (inviteKey, or ownerKey for the owner role). Send a previous token of " +
			"this chat as a bearer token (even one expired up to 7 days ago) to keep the same user id.",
		security: [{}, ...bearerSecurity],
		request: { params: chatIdParam, body: jsonBody(tokenBody) },
		responses: {
			201: jsonResponse(issuedToken, "A signed token bound to this chat"),
			400: errorResponse("Invalid body"),
			401: errorResponse("The previous token is invalid"),
			403: errorResponse("Wrong key for a public chat"),
			404: errorResponse("No such chat, or private and the key is missing or wrong"),
			500: errorResponse("TOKEN_SECRET is not configured"),
		},
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		const { name, key } = c.req.valid("json");
		const previous = await previousToken(c, id);
		const chat = await chatRecord(c.env, id);
		if (!chat) throw chatNotFound();
		const keyRole = await checkKey(chat, key);
		// Whoever held a token for a private chat was let in with its key; a refresh need not ask again.
		if (chat.visibility === "private" && keyRole === null && previous === null) throw chatNotFound();

		const role: Role = keyRole === "owner" || previous?.user.role === "owner" ? "owner" : "member";
		const user = { id: previous?.user.id ?? newUserId(), name, role };
		const expiresAt = Date.now() + readSettings(c.env).tokenTtlMs;
		const token = await issueToken(c.env.TOKEN_SECRET, { chatId: id, user, expiresAt });
		return c.json({ token, expiresAt, user }, 201);
	},
);
