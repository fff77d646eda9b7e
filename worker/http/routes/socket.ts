import { OpenAPIHono } from "@hono/zod-openapi";
import type { AdmissionRequest } from "../../door/admission";
import { newUserId } from "../../ids";
import { ApiError } from "../../protocol";
import { chatNotFound } from "../../refusals";
import { joinRegionWhenAsked } from "../../routing/request-region";
import { knownChatId } from "../../routing/room-stub";
import { routeUpgrade } from "../../routing/shard-router";
import { type AppEnv, bearerOf, requireTokenOf } from "../access";
import { limitAddressOf } from "../address-limit";
import { chatKnown } from "../chat-records";
import { objectUpgradeHeaders, offeredProtocols } from "../socket-protocol";

/**
 * A chat's WebSocket upgrade, checked here and handed to the room untouched: the room accepts the
 * socket itself with the hibernation API (accepting it in the Worker would keep the Worker alive).
 * Every join passes here, so it takes the request and env alone: the Worker's entry calls it
 * ahead of the router (upgrade-entry.ts), and the router's route below only for requests that
 * are not upgrades (which get 426).
 */
export async function upgradeSocket(request: Request, env: Env, chatId: string): Promise<Response> {
	const id = knownChatId(chatId);
	// Sockets go to a shard of the region they come from, once the chat outgrows its root.
	const region = joinRegionWhenAsked(env, request);
	const offered = offeredProtocols(request.headers);
	const token = queryToken(request.url) ?? offered.token ?? bearerOf(request.headers);
	const upgrade = { url: request.url, headers: objectUpgradeHeaders(offered) };
	if (token === null && offered.name !== null) {
		// A first visit in one request: the object that admits the socket decides as a token
		// request would (the key, the bans, the role), issues the token and sends it in `ready`.
		requireUpgrade(request.headers.get("Upgrade"));
		const join: AdmissionRequest = {
			userId: newUserId(),
			name: offered.name,
			previousRole: null,
			address: await limitAddressOf(env, request.headers, "tokens"),
			...(offered.key !== null && { key: offered.key }),
		};
		return routeUpgrade(env, id, region, upgrade, { join });
	}
	const claims = await requireTokenOf(env, id, token);
	if (!(await chatKnown(env, id))) throw chatNotFound();
	requireUpgrade(request.headers.get("Upgrade"));
	return routeUpgrade(env, id, region, upgrade, { user: claims.user });
}

/** The legacy `?token=`, read without parsing a URL that most joins give no query at all. */
function queryToken(url: string): string | null {
	const query = url.indexOf("?");
	return query < 0 ? null : new URLSearchParams(url.slice(query + 1)).get("token");
}

export const socket = new OpenAPIHono<AppEnv>();

socket.get("/chats/:id/ws", (c) => upgradeSocket(c.req.raw, c.env, c.req.param("id")));

function requireUpgrade(upgrade: string | null): void {
	if (upgrade?.toLowerCase() !== "websocket") {
		throw new ApiError(426, "upgrade_required", "This endpoint speaks WebSocket only");
	}
}

/** The upgrade's entry in the OpenAPI document (the route itself is mounted ahead of the API's middleware). */
export const socketPathDoc: Parameters<OpenAPIHono["openAPIRegistry"]["registerPath"]>[0] = {
	method: "get",
	path: "/chats/{id}/ws",
	summary: "Open the chat's WebSocket",
	description:
		"`[?since=SEQ[&rev=REV]]`. Offer the subprotocols `edgechat.v1` and `edgechat.token.<token>` (the answer names " +
		"`edgechat.v1` alone); clients that can set headers may send a bearer token instead, and `?token=` " +
		"still works for older clients. A first visit may join in one request instead: `edgechat.v1`, " +
		"`edgechat.name.<the name's UTF-8 in base64url, no padding>` and, for a private chat or the owner role, " +
		"`edgechat.key.<key>`; it is admitted as a token request would be (same refusals, counted as a token), " +
		"and `ready.token` carries the token issued ({token, expiresAt, user}). The server sends `ready`, then every stored message with seq > since " +
		"(the newest 1000 at most; see `ready.replay`), then, with `rev`, each message changed after REV once in its " +
		"latest state (`edited`, `deleted` or `reactions`), then live frames. Kicked sockets close with 4001, banned " +
		"ones with 4003, all of a deleted chat's with 4004. See docs/API.md for the frames.",
	responses: {
		101: { description: "Switching protocols (Sec-WebSocket-Protocol: edgechat.v1 when it was offered)" },
		400: { description: "A token, name or key subprotocol was offered without edgechat.v1, or a bad name" },
		401: { description: "Missing, invalid, expired or other-chat token (and no name offered)" },
		403: { description: "The user is banned (`banned`)" },
		404: { description: "No such chat (or it was deleted)" },
		426: { description: "Not a WebSocket request" },
	},
};
