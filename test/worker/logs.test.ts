import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, bearer, createChat, joinToken, postJson, roomStub, TestSocket } from "./helpers";
import { captureLogs } from "./log-capture";

/**
 * What an operator reads: every console line the Worker and the chat's objects write during real
 * requests, captured where the runtime writes them.
 */
const logs = captureLogs();
const events = (kind: string) => logs.events(kind);

describe("the request log", () => {
	it("writes one JSON line per API request with the route pattern, status, duration and chat id", async () => {
		const chat = await createChat({ name: "Logged" });
		const token = (await joinToken(chat, "alice")).token;
		const response = await postJson(
			`/api/chats/${chat.id}/messages`,
			{ text: "hello", clientId: "c1" },
			bearer(token),
		);
		expect(response.status).toBe(201);

		const requests = events("request");
		expect(requests).toHaveLength(3);
		expect(requests[0]).toMatchObject({ method: "POST", route: "/api/chats", status: 201 });
		expect(requests[1]).toMatchObject({
			method: "POST",
			route: "/api/chats/:id/tokens",
			status: 201,
			chatId: chat.id,
		});
		expect(requests[2]).toMatchObject({
			method: "POST",
			route: "/api/chats/:id/messages",
			status: 201,
			chatId: chat.id,
		});
		// GETs too: the page route that would come after the API's own is not the one logged.
		await api("/api/health");
		await api(`/api/chats/${chat.id}/messages?limit=5`);
		expect(events("request").slice(-2)).toEqual([
			expect.objectContaining({ method: "GET", route: "/api/health", status: 200 }),
			expect.objectContaining({ method: "GET", route: "/api/chats/:id/messages", chatId: chat.id }),
		]);
		for (const line of requests) {
			expect(typeof line.durationMs).toBe("number");
			expect(line).not.toHaveProperty("code");
		}
	});

	it("names the error code of a refusal, and a 404 with no route", async () => {
		const chat = await createChat();
		await postJson(`/api/chats/${chat.id}/messages`, { text: "hi" }, bearer("forged.token.here"));
		await api("/api/nowhere");

		const [refused, missing] = events("request").slice(-2);
		expect(refused).toMatchObject({ status: 401, code: "unauthorized", chatId: chat.id });
		expect(missing).toMatchObject({ method: "GET", status: 404, code: "not_found" });
	});

	it("never writes a token, a key, message text or a query string, whatever the client put in the URL", async () => {
		const chat = await createChat({ name: "Secretive", visibility: "private" });
		const inviteKey = chat.inviteKey ?? "";
		const token = (await joinToken(chat, "alice", inviteKey)).token;
		const text = "the launch code is 0000";
		// Legacy query forms: the token and the key in the URL, where a careless log would copy them.
		const socket = await TestSocket.open(chat.id, token);
		socket.send({ type: "send", text, clientId: "secret-1" });
		await socket.next("message");
		await api(`/api/chats/${chat.id}/messages?key=${chat.ownerKey}&limit=5`);
		await api(`/api/chats/${chat.id}?key=${inviteKey}`);
		await postJson(`/api/chats/${chat.id}/messages`, { text: `${text} again` }, bearer(token));
		// A refused body with the text in it: the error names the field, the log only its code.
		await postJson(`/api/chats/${chat.id}/messages`, { text: `${text}\u202e` }, bearer(token));
		await logs.closeAll([socket]);

		expect(events("request").length).toBeGreaterThanOrEqual(5);
		const all = logs.lines.join("\n");
		for (const secret of [
			token,
			chat.ownerKey,
			inviteKey,
			text,
			"launch code",
			"?key=",
			"limit=5",
			"token=",
		]) {
			expect(all).not.toContain(secret);
		}
		// Everything logged is one JSON object per line.
		for (const line of logs.lines) expect(() => JSON.parse(line), line).not.toThrow();
	});
});

describe("room events in the log", () => {
	it("says when a socket is admitted, by which object, and when the room woke", async () => {
		const chat = await createChat();
		const alice = await joinToken(chat, "alice");
		const socket = await TestSocket.open(chat.id, alice.token, 0);
		await logs.until(() => events("socket.admitted").length === 1, "the admitted line");
		expect(events("socket.admitted")[0]).toMatchObject({
			chatId: chat.id,
			missed: 0,
			replayed: 0,
		});
		expect(events("socket.admitted")[0]?.sockets).toBeGreaterThanOrEqual(1);

		await evictDurableObject(roomStub(chat.id));
		socket.send({ type: "send", text: "wake up" });
		await socket.next("message");
		const woke = events("room.woke");
		expect(woke).toContainEqual(expect.objectContaining({ chatId: chat.id, shard: 0 }));
		expect(woke.find((line) => line.shard === 0)?.wakes).toBeGreaterThanOrEqual(1);
		await logs.closeAll([socket]);
	});

	it("says when an upgrade is refused in the room with its code", async () => {
		const chat = await createChat();
		// The room itself sees a request that did not come through the Worker's checks.
		const response = await roomStub(chat.id).fetch(
			new Request(`http://room/api/chats/${chat.id}/ws`, { headers: { Upgrade: "websocket" } }),
		);
		expect(response.status).toBe(401);
		expect(events("socket.refused")).toContainEqual(
			expect.objectContaining({ chatId: chat.id, shard: 0, code: "unauthorized", status: 401 }),
		);
	});
});
