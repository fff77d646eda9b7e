import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { hasApiKey } from "../../auth/api-keys";
import { presenceList } from "../../protocol";
import { chatNotFound } from "../../refusals";
import { type AppEnv, bearerToken, requireToken, roomStub } from "../access";
import { apiKeySecurity, bearerSecurity, chatIdParam, errorResponse, jsonResponse } from "../schemas";

export const presence = new OpenAPIHono<AppEnv>().openapi(
	createRoute({
		method: "get",
		path: "/chats/{id}/presence",
		summary: "Who is online in the whole chat",
		description:
			"An X-API-Key, or any token of this chat. `online` lists at most 1,000 users; `count` is exact.",
		security: [...apiKeySecurity, ...bearerSecurity],
		request: { params: chatIdParam },
		responses: {
			200: jsonResponse(presenceList, "The users online over every object of the chat"),
			401: errorResponse("Neither a valid API key nor a valid token of this chat"),
			404: errorResponse("No such chat"),
		},
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		if (!(await hasApiKey(c))) await requireToken(c, id, bearerToken(c));
		const online = await roomStub(c.env, id).onlinePresence();
		if (!online) throw chatNotFound();
		return c.json(online, 200);
	},
);
