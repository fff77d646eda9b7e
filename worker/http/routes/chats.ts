import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { hasApiKey } from "../../auth/api-keys";
import { hashKey } from "../../auth/keys";
import { directoryStub } from "../../directory/chat-directory";
import { newChatId, newSecretKey } from "../../ids";
import { ApiError, chatList, chatWithConnections, createChatBody, createdChat } from "../../protocol";
import { rootObject } from "../../routing/shard-address";
import { type AppEnv, readAccess, roomStub } from "../access";
import { limitAddress } from "../address-limit";
import { rememberChat } from "../chat-records";
import { chatIdParam, chatKeyHeaders, errorResponse, jsonBody, jsonResponse } from "../schemas";

const keyQuery = z.object({ key: z.string().max(200).optional() });

const roomDiagnostics = z.object({
	connections: z.number(),
	online: z.number(),
	lastSeq: z.number(),
	storedMessages: z.number(),
	wakes: z.number(),
	instanceStartedAt: z.number(),
	/** Objects holding the chat's sockets now: the root and its shards. */
	shards: z.number(),
	/** The same objects and their sockets by region ("default": no region; the root counts in its own). */
	regions: z.record(z.string(), z.object({ shards: z.number(), connections: z.number() })),
});

export const chats = new OpenAPIHono<AppEnv>()
	.openapi(
		createRoute({
			method: "post",
			path: "/chats",
			summary: "Create a chat",
			request: { body: jsonBody(createChatBody) },
			responses: {
				201: jsonResponse(createdChat, "The chat, with its keys (shown only this once)"),
				400: errorResponse("Invalid body"),
				401: errorResponse("An X-API-Key was sent and is wrong"),
				429: errorResponse(
					"Too many chats created from this network address (ADDRESS_CHATS_PER_MINUTE); see Retry-After",
				),
			},
		}),
		async (c) => {
			const body = c.req.valid("json");
			// Anyone may create a chat; a backend's key, when sent, must be right (401 otherwise),
			// and only people are held to the per-address limit.
			if (!(await hasApiKey(c))) await limitAddress(c, "chats");
			const id = newChatId();
			const ownerKey = newSecretKey();
			const inviteKey = body.visibility === "private" ? newSecretKey() : undefined;
			const chat = {
				id,
				name: body.name,
				visibility: body.visibility,
				history: body.history,
				owner: body.owner ?? null,
				createdAt: Date.now(),
				...(body.locationHint !== undefined && { locationHint: body.locationHint }),
			};
			const record = {
				...chat,
				ownerKeyHash: await hashKey(ownerKey),
				inviteKeyHash: inviteKey === undefined ? null : await hashKey(inviteKey),
			};
			// The root's first use: a location hint places it for good.
			if (!(await rootObject(c.env, id, body.locationHint).create(record))) {
				throw new ApiError(500, "internal_error", "Could not create the chat; try again");
			}
			rememberChat(record);
			if (chat.visibility === "public") await directoryStub(c.env).register(chat);
			return c.json({ ...chat, ownerKey, ...(inviteKey !== undefined && { inviteKey }) }, 201);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/chats",
			summary: "List public chats, busiest first",
			responses: { 200: jsonResponse(chatList, "Public chats with live connection counts") },
		}),
		async (c) => c.json({ chats: await directoryStub(c.env).list() }, 200),
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/chats/{id}",
			summary: "Describe a chat",
			description:
				"A private chat answers 404 unless its invite/owner key (X-Chat-Key header, or ?key=) or a bearer token is given.",
			request: { params: chatIdParam, query: keyQuery, headers: chatKeyHeaders },
			responses: {
				200: jsonResponse(chatWithConnections, "The chat"),
				403: errorResponse("Wrong key for a public chat"),
				404: errorResponse("No such chat, or private without credentials"),
			},
		}),
		async (c) => {
			const { id } = c.req.valid("param");
			const { chat } = await readAccess(c, id, c.req.valid("query").key);
			const connections = await roomStub(c.env, id).connectionCount();
			const { name, visibility, history, owner, createdAt, slowModeSeconds, readOnly, locationHint } = chat;
			const rules = {
				...(slowModeSeconds !== undefined && { slowModeSeconds }),
				...(readOnly && { readOnly }),
			};
			const placed = locationHint !== undefined && { locationHint };
			return c.json(
				{ id, name, visibility, history, owner, createdAt, ...rules, connections, ...placed },
				200,
			);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/chats/{id}/diagnostics",
			summary: "Room internals for operators (owner key required, as X-Chat-Key or ?key=)",
			request: { params: chatIdParam, query: keyQuery, headers: chatKeyHeaders },
			responses: {
				200: jsonResponse(roomDiagnostics, "Counters of the room"),
				403: errorResponse("Not the owner key"),
				404: errorResponse("No such chat"),
			},
		}),
		async (c) => {
			const { id } = c.req.valid("param");
			const access = await readAccess(c, id, c.req.valid("query").key);
			if (access.keyRole !== "owner") throw new ApiError(403, "forbidden", "The owner key is required");
			const diagnostics = await roomStub(c.env, id).diagnostics();
			if (!diagnostics) throw new ApiError(404, "not_found", "No such chat");
			return c.json(diagnostics, 200);
		},
	);
