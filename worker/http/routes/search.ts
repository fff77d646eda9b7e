import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { searchPage, searchQuery } from "../../protocol";
import { chatNotFound } from "../../refusals";
import { type AppEnv, readAccess, roomStub } from "../access";
import {
	apiKeySecurity,
	bearerSecurity,
	chatIdParam,
	chatKeyHeaders,
	errorResponse,
	jsonResponse,
} from "../schemas";

export const search = new OpenAPIHono<AppEnv>().openapi(
	createRoute({
		method: "get",
		path: "/chats/{id}/search",
		summary: "Search a chat's history",
		description:
			"The messages that contain every word of `q`, newest first, each shaped as in history. Words match " +
			"without regard to case or accents (`cafe` finds `Café`), the last one also as a prefix (`hel` finds " +
			"`hello`). `q` is text, never a query language: quotes, `*`, `-`, `:`, `(`, `OR`, `NEAR` are searched " +
			"as written or ignored. `before` pages to older results. Whoever may read the history may search it " +
			"(a private chat: a token of the chat, the key in X-Chat-Key, or an API key); a chat that keeps no " +
			"history has nothing to find.",
		security: [{}, ...bearerSecurity, ...apiKeySecurity],
		request: { params: chatIdParam, query: searchQuery, headers: chatKeyHeaders },
		responses: {
			200: jsonResponse(searchPage, "Messages found, newest first"),
			400: errorResponse("`q` missing, blank or over 200 characters; or an invalid `before` or `limit`"),
			401: errorResponse("Invalid or expired token"),
			404: errorResponse("No such chat, or private without credentials"),
		},
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		const { q, before, limit } = c.req.valid("query");
		// The key only in the header: what is searched for goes in the URL, a secret never does.
		await readAccess(c, id, undefined);
		const page = await roomStub(c.env, id).search({
			text: q,
			limit,
			...(before !== undefined && { before }),
		});
		if (!page) throw chatNotFound();
		return c.json(page, 200);
	},
);
