import { OpenAPIHono } from "@hono/zod-openapi";
import { userHeader } from "../../room/chat-room";
import { type AppEnv, bearerToken, requireToken, roomStub } from "../access";
import { ApiError } from "../api-error";

/**
 * The upgrade is checked here and handed to the room untouched: the room accepts the socket
 * itself with the hibernation API (accepting it in the Worker would keep the Worker alive).
 */
export const socket = new OpenAPIHono<AppEnv>();

socket.get("/chats/:id/ws", async (c) => {
	const id = c.req.param("id");
	const stub = roomStub(c.env, id);
	const claims = await requireToken(c, id, c.req.query("token") ?? bearerToken(c));
	if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
		throw new ApiError(426, "upgrade_required", "This endpoint speaks WebSocket only");
	}
	const headers = new Headers(c.req.raw.headers);
	headers.set(userHeader, JSON.stringify(claims.user));
	return stub.fetch(new Request(c.req.raw.url, { headers }));
});

socket.openAPIRegistry.registerPath({
	method: "get",
	path: "/chats/{id}/ws",
	summary: "Open the chat's WebSocket",
	description:
		"`?token=T[&since=SEQ]`. The server sends `ready`, then every stored message with seq > since (the newest " +
		"1000 at most; see `ready.replay`), then live frames. See docs/API.md for the frames.",
	responses: {
		101: { description: "Switching protocols" },
		401: { description: "Missing, invalid, expired or other-chat token" },
		404: { description: "No such chat" },
		426: { description: "Not a WebSocket request" },
	},
});
