import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import {
	type ChatMessage,
	type CreateChatRequest,
	type CreatedChat,
	type HistoryPage,
	type IssuedToken,
	type ServerFrame,
	serverFrame,
} from "../../worker/protocol";
import type { ChatRoom, RoomDiagnostics } from "../../worker/room/chat-room";
import { MessageLog } from "../../worker/sequencer/message-log";

export const origin = "http://edgechat.test";

export function api(path: string, init: RequestInit = {}): Promise<Response> {
	return exports.default.fetch(new Request(`${origin}${path}`, init));
}

export function postJson(
	path: string,
	body: unknown,
	headers: Record<string, string> = {},
): Promise<Response> {
	return api(path, {
		method: "POST",
		headers: { "Content-Type": "application/json", ...headers },
		body: JSON.stringify(body),
	});
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** An API call as `token`'s user, with a JSON body when one is given. */
export function call(method: string, path: string, token: string, body?: unknown): Promise<Response> {
	return api(path, {
		method,
		headers: { ...bearer(token), ...(body !== undefined && { "Content-Type": "application/json" }) },
		...(body !== undefined && { body: JSON.stringify(body) }),
	});
}

/** A post over HTTP as `token`'s user, with any body; the response, whatever its status (see `posted`). */
export function postBody(chatId: string, token: string, body: Record<string, unknown>): Promise<Response> {
	return call("POST", `/api/chats/${chatId}/messages`, token, body);
}

/** The message a post stored, once its 201 is checked. */
export async function posted(response: Response): Promise<ChatMessage> {
	expect(response.status).toBe(201);
	return (await response.json<{ message: ChatMessage }>()).message;
}

/**
 * A token request as a client makes it: from a network address, as a refresh of a previous token,
 * with a key (the chat's invite key unless another is given). The response, whatever its status.
 */
export function tokenFrom(
	chat: CreatedChat,
	name: string,
	options: { address?: string; previous?: string; key?: string } = {},
): Promise<Response> {
	const headers: Record<string, string> = {};
	if (options.address) headers["CF-Connecting-IP"] = options.address;
	if (options.previous) headers.Authorization = `Bearer ${options.previous}`;
	const key = options.key ?? chat.inviteKey;
	return postJson(`/api/chats/${chat.id}/tokens`, { name, ...(key !== undefined && { key }) }, headers);
}

export async function createChat(body: Partial<CreateChatRequest> = {}): Promise<CreatedChat> {
	const response = await postJson("/api/chats", { name: "Test chat", ...body });
	expect(response.status).toBe(201);
	return response.json<CreatedChat>();
}

export async function joinToken(chat: CreatedChat, name = "alice", key?: string): Promise<IssuedToken> {
	const response = await postJson(`/api/chats/${chat.id}/tokens`, {
		name,
		...(key !== undefined ? { key } : chat.inviteKey !== undefined ? { key: chat.inviteKey } : {}),
	});
	expect(response.status).toBe(201);
	return response.json<IssuedToken>();
}

export async function postMessage(chatId: string, token: string, text: string, clientId?: string) {
	const response = await postJson(`/api/chats/${chatId}/messages`, { text, clientId }, bearer(token));
	return { status: response.status, body: await response.json<{ message: ChatMessage }>() };
}

/** Every message once, in seq order, with no gap from the first to the last. */
export function expectWhole(messages: ChatMessage[], from: number, to: number): void {
	expect(messages.map((message) => message.seq)).toEqual(
		Array.from({ length: to - from + 1 }, (_, index) => from + index),
	);
}

/**
 * Posts `count` messages one after another over HTTP, each acknowledged before the next, from
 * posters that take turns so that no one's rate limit is reached. `after` runs after each post.
 */
export async function postMany(
	chat: CreatedChat,
	count: number,
	after?: (n: number) => Promise<void> | undefined,
): Promise<void> {
	const posters = await Promise.all([0, 1, 2].map(async (n) => (await joinToken(chat, `poster${n}`)).token));
	for (let n = 1; n <= count; n++) {
		const { status } = await postMessage(chat.id, posters[n % posters.length] ?? "", `m${n}`);
		expect(status).toBe(201);
		await after?.(n);
	}
}

/** `GET /api/chats/:id/search` for `q` (URL-encoded here), with more of the query string and headers. */
export function searchRequest(chatId: string, q: string, extra = "", headers: Record<string, string> = {}) {
	return api(`/api/chats/${chatId}/search?q=${encodeURIComponent(q)}${extra}`, { headers });
}

/** A search that must answer 200: its page. */
export async function search(
	chatId: string,
	q: string,
	extra = "",
	headers: Record<string, string> = {},
): Promise<HistoryPage> {
	const response = await searchRequest(chatId, q, extra, headers);
	expect(response.status).toBe(200);
	return response.json<HistoryPage>();
}

export async function expectError(response: Response, status: number, code: string): Promise<string> {
	expect(response.status).toBe(status);
	const body = await response.json<{ error: { code: string; message: string } }>();
	expect(body.error.code).toBe(code);
	expect(body.error.message.length).toBeGreaterThan(0);
	return body.error.message;
}

/** A real client socket of the room, with every frame it received, in order. */
export class TestSocket {
	readonly frames: ServerFrame[] = [];
	readonly raw: string[] = [];
	/** Frames that are not of the contract. */
	readonly invalid: string[] = [];
	private waiters: Array<() => void> = [];
	closed: { code: number; reason: string } | null = null;

	constructor(readonly socket: WebSocket) {
		socket.addEventListener("message", (event) => {
			const data = typeof event.data === "string" ? event.data : "";
			this.raw.push(data);
			// Every frame must be one of the contract's, as its schema says; anything else fails the wait.
			if (data !== "pong") {
				const parsed = serverFrame.safeParse(JSON.parse(data));
				if (parsed.success) this.frames.push(parsed.data);
				else this.invalid.push(data);
			}
			this.notify();
		});
		socket.addEventListener("close", (event) => {
			this.closed = { code: event.code, reason: event.reason };
			this.notify();
		});
		socket.accept();
	}

	/** `init`: more of the upgrade request, such as the `cf` the platform would give it. */
	static async open(
		chatId: string,
		token: string,
		since?: number,
		init: RequestInit = {},
	): Promise<TestSocket> {
		const query = `token=${encodeURIComponent(token)}${since === undefined ? "" : `&since=${since}`}`;
		const response = await api(`/api/chats/${chatId}/ws?${query}`, {
			...init,
			headers: { Upgrade: "websocket" },
		});
		expect(response.status).toBe(101);
		if (!response.webSocket) throw new Error("no socket in the 101 response");
		const client = new TestSocket(response.webSocket);
		await client.next("ready");
		return client;
	}

	send(frame: unknown): void {
		this.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
	}

	of<T extends ServerFrame["type"]>(type: T): Extract<ServerFrame, { type: T }>[] {
		return this.frames.filter((frame): frame is Extract<ServerFrame, { type: T }> => frame.type === type);
	}

	get messages(): ChatMessage[] {
		return this.of("message").map((frame) => frame.message);
	}

	/** Waits until `predicate` holds over what was received, or fails after `timeoutMs`. */
	async until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (!predicate()) {
			if (this.invalid.length > 0) throw new Error(`frames outside the contract: ${this.invalid.join(", ")}`);
			const remaining = deadline - Date.now();
			if (remaining <= 0)
				throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames)}`);
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, remaining);
				this.waiters.push(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
	}

	/** The first frame of `type` after the `skip` already seen ones. */
	async next<T extends ServerFrame["type"]>(type: T, skip = 0): Promise<Extract<ServerFrame, { type: T }>> {
		await this.until(() => this.of(type).length > skip, `a "${type}" frame`);
		const frame = this.of(type)[skip];
		if (!frame) throw new Error("unreachable");
		return frame;
	}

	close(): void {
		this.socket.close(1000, "done");
	}

	private notify(): void {
		const waiters = this.waiters;
		this.waiters = [];
		for (const wake of waiters) wake();
	}
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls an asynchronous check every 20 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(20);
	}
}

/** The chat's diagnostics, read with its owner key (in the header: keys stay out of URLs). */
export async function diagnostics(chat: { id: string; ownerKey: string }): Promise<RoomDiagnostics> {
	const response = await api(`/api/chats/${chat.id}/diagnostics`, {
		headers: { "X-Chat-Key": chat.ownerKey },
	});
	expect(response.status).toBe(200);
	return response.json<RoomDiagnostics>();
}

export function roomStub(chatId: string): DurableObjectStub<ChatRoom> {
	return env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(chatId));
}

/**
 * Writes `count` messages straight into a room's log, then evicts the room so that it reloads
 * from storage. Much faster than the API, and not subject to the rate limit. Like the log of a
 * chat older than search, they wait for the search index until a search (or enough posts) comes.
 */
export async function seedMessages(
	chatId: string,
	count: number,
	user = { id: "useed", name: "seed" },
	textOf = (seq: number) => `message ${seq}`,
) {
	const stub = roomStub(chatId);
	await runInDurableObject(stub, (_room: ChatRoom, state) => {
		const log = new MessageLog(state.storage.sql);
		const first = log.lastSeq() + 1;
		state.storage.transactionSync(() => {
			for (let seq = first; seq < first + count; seq++) {
				log.append({ seq, id: `seed-${seq}`, user, text: textOf(seq), ts: 1_700_000_000_000 + seq });
			}
		});
	});
	await evictDurableObject(stub);
}

/** Reads a room's stored messages directly from its SQLite database. */
export function storedMessageCount(chatId: string): Promise<number> {
	return runInDurableObject(roomStub(chatId), (_room: ChatRoom, state) =>
		new MessageLog(state.storage.sql).count(),
	);
}

/**
 * The Rate Limiting binding counts in fixed windows of a minute, which the local runtime starts on
 * the clock's minute: a count that began near the end of one would go on in a fresh window. Waits
 * for the next one when less than `neededMs` is left of this one.
 */
export async function aWholeWindow(neededMs = 15_000): Promise<void> {
	const left = 60_000 - (Date.now() % 60_000);
	if (left < neededMs) await sleep(left + 100);
}
