import { OpenAPIHono } from "@hono/zod-openapi";
import { ApiError } from "../../protocol";
import { chatNotFound } from "../../refusals";
import { routeUpgrade } from "../../routing/shard-router";
import { type AppEnv, bearerToken, requireToken } from "../access";
import { chatKnown } from "../chat-records";
import { answerProtocol, offeredProtocols, withoutTokenProtocol } from "../socket-protocol";

/**
 * The upgrade is checked here and handed to the room untouched: the room accepts the socket
 * itself with the hibernation API (accepting it in the Worker would keep the Worker alive).
 */
export const socket = new OpenAPIHono<AppEnv>();

socket.get("/chats/:id/ws", async (c) => {
	const id = c.req.param("id");
	const offered = offeredProtocols(c.req.raw.headers);
	const claims = await requireToken(c, id, c.req.query("token") ?? offered.token ?? bearerToken(c));
	if (!(await chatKnown(c.env, id))) throw chatNotFound();
	if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
		throw new ApiError(426, "upgrade_required", "This endpoint speaks WebSocket only");
	}
	const upgrade = new Request(c.req.raw.url, { headers: withoutTokenProtocol(c.req.raw.headers) });
	return answerProtocol(await routeUpgrade(c.env, id, upgrade, claims.user), offered);
});

socket.openAPIRegistry.registerPath({
	method: "get",
	path: "/chats/{id}/ws",
	summary: "Open the chat's WebSocket",
	description:
		"`[?since=SEQ[&rev=REV]]`. Offer the subprotocols `edgechat.v1` and `edgechat.token.<token>` (the answer names " +
		"`edgechat.v1` alone); clients that can set headers may send a bearer token instead, and `?token=` " +
		"still works for older clients. The server sends `ready`, then every stored message with seq > since " +
		"(the newest 1000 at most; see `ready.replay`), then, with `rev`, each message changed after REV once in its " +
		"latest state (`edited`, `deleted` or `reactions`), then live frames. Kicked sockets close with 4001, banned " +
		"ones with 4003, all of a deleted chat's with 4004. See docs/API.md for the frames.",
	responses: {
		101: { description: "Switching protocols (Sec-WebSocket-Protocol: edgechat.v1 when it was offered)" },
		400: { description: "A token subprotocol was offered without edgechat.v1" },
		401: { description: "Missing, invalid, expired or other-chat token" },
		403: { description: "The user is banned (`banned`)" },
		404: { description: "No such chat (or it was deleted)" },
		426: { description: "Not a WebSocket request" },
	},
});
