import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { ApiError, chatInfo, rotatedKey, rotateKeyBody, updateChatBody } from "../../protocol";
import { chatNotFound } from "../../refusals";
import { roomStub } from "../../routing/room-stub";
import { type AppEnv, actingUser } from "../access";
import { forgetChat } from "../chat-records";
import { bearerSecurity, chatIdParam, errorResponse, jsonBody, jsonResponse } from "../schemas";

const ownerOnly = () => new ApiError(403, "forbidden", "Only the chat's owner may do this");

const refusals = {
	401: errorResponse("Missing, invalid, expired or other-chat token"),
	403: errorResponse("Not the owner"),
	404: errorResponse("No such chat"),
};

/** What only the owner does to the chat itself: its settings, its keys, its end. */
export const chatAdmin = new OpenAPIHono<AppEnv>()
	.openapi(
		createRoute({
			method: "patch",
			path: "/chats/{id}",
			summary: "Change the chat's settings (owner only)",
			description:
				'Any of name, visibility, slowModeSeconds (members may send one message per N seconds; 0 turns it off; refused sends get `slow_mode` with `retryAfterMs`), readOnly (only the owner and moderators post; others get `forbidden`). Every socket gets `{type:"chat", chat}`. A chat made private leaves the directory; it needs an invite key (`POST /chats/{id}/keys`).',
			security: bearerSecurity,
			request: { params: chatIdParam, body: jsonBody(updateChatBody) },
			responses: {
				200: jsonResponse(chatInfo, "The chat as it is now"),
				400: errorResponse("Invalid body"),
				...refusals,
			},
		}),
		async (c) => {
			const { id } = c.req.valid("param");
			const user = await actingUser(c, id);
			const outcome = await roomStub(c.env, id).updateChat(user, c.req.valid("json"));
			if (outcome === null) throw chatNotFound();
			if (outcome === "forbidden") throw ownerOnly();
			return c.json(outcome, 200);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/chats/{id}/keys",
			summary: "Rotate the invite or owner key (owner only)",
			description:
				"The new key is shown once; the old one stops working at once (keys are checked by the chat itself, never from a cache). Tokens already issued stay valid until they expire; ban whoever must go.",
			security: bearerSecurity,
			request: { params: chatIdParam, body: jsonBody(rotateKeyBody) },
			responses: {
				201: jsonResponse(rotatedKey, "The new key"),
				400: errorResponse("Invalid body"),
				...refusals,
			},
		}),
		async (c) => {
			const { id } = c.req.valid("param");
			const { which } = c.req.valid("json");
			const user = await actingUser(c, id);
			const key = await roomStub(c.env, id).rotateKey(user, which);
			if (key === null) throw chatNotFound();
			if (key === "forbidden") throw ownerOnly();
			return c.json({ which, key }, 201);
		},
	)
	.openapi(
		createRoute({
			method: "delete",
			path: "/chats/{id}",
			summary: "Delete the chat (owner only)",
			description:
				"Every socket gets an `error` frame `chat_deleted` and closes with 4004; the log and all state are erased (on every object of the chat), the directory drops it, and the id answers 404 from then on.",
			security: bearerSecurity,
			request: { params: chatIdParam },
			responses: { 204: { description: "Deleted" }, ...refusals },
		}),
		async (c) => {
			const { id } = c.req.valid("param");
			const user = await actingUser(c, id);
			const outcome = await roomStub(c.env, id).deleteChat(user);
			if (outcome === null) throw chatNotFound();
			if (outcome === "forbidden") throw ownerOnly();
			forgetChat(id);
			return c.body(null, 204);
		},
	);
