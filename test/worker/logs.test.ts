import { createExecutionContext, evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/http/app";
import { api, bearer, createChat, joinToken, origin, postJson, roomStub, TestSocket } from "./helpers";
import { captureLogs } from "./log-capture";

/**
 * What an operator reads: every console line the Worker and the chat's objects write during real
 * requests, captured where the runtime writes them.
 */
const logs = captureLogs();
const events = (kind: string) => logs.events(kind);

describe("the request log", () => {
	it("writes no line for a successful request: Workers Logs' invocation log has it", async () => {
		const chat = await createChat({ name: "Logged" });
		const token = (await joinToken(chat, "alice")).token;
		const response = await postJson(
			`/api/chats/${chat.id}/messages`,
			{ text: "hello", clientId: "c1" },
			bearer(token),
		);
		expect(response.status).toBe(201);
		expect((await api("/api/health")).status).toBe(200);
		expect((await api(`/api/chats/${chat.id}/messages?limit=5`)).status).toBe(200);

		expect(events("request")).toEqual([]);
	});

	it("writes one warn line per refused request, with the route pattern, status, duration, chat id and code", async () => {
		const chat = await createChat();
		await postJson(`/api/chats/${chat.id}/messages`, { text: "hi" }, bearer("forged.token.here"));
		await api("/api/nowhere");
		// Upgrades skip the router (http/upgrade-entry.ts), and are logged all the same.
		await api(`/api/chats/${chat.id}/ws`, { headers: { Upgrade: "websocket" } });

		const requests = events("request");
		expect(requests).toHaveLength(3);
		const [refused, missing, upgrade] = requests;
		expect(refused).toMatchObject({
			level: "warn",
			method: "POST",
			route: "/api/chats/:id/messages",
			status: 401,
			code: "unauthorized",
			chatId: chat.id,
		});
		expect(typeof refused?.durationMs).toBe("number");
		expect(missing).toMatchObject({ level: "warn", method: "GET", status: 404, code: "not_found" });
		expect(upgrade).toMatchObject({
			level: "warn",
			method: "GET",
			route: "/api/chats/:id/ws",
			status: 401,
			code: "unauthorized",
			chatId: chat.id,
		});
	});

	it("writes an error line for a request that fails on our side", async () => {
		const chat = await createChat();
		const misconfigured = { ...env, TOKEN_SECRET: "" };
		const request = new Request(`${origin}/api/chats/${chat.id}/tokens`, {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ name: "ada" }),
		});
		expect((await app.fetch(request, misconfigured, createExecutionContext())).status).toBe(500);
		expect(events("request")).toEqual([
			expect.objectContaining({
				level: "error",
				route: "/api/chats/:id/tokens",
				status: 500,
				code: "server_misconfigured",
			}),
		]);
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
		// Refused requests (those write a line) with a token or a key in their URL.
		await api(`/api/chats/${chat.id}/messages?key=${chat.ownerKey}&limit=5000`);
		await api(`/api/chats/${chat.id}?key=${inviteKey}x`);
		await api(`/api/chats/${chat.id}/ws?token=${token}x&since=0`, { headers: { Upgrade: "websocket" } });
		await postJson(`/api/chats/${chat.id}/messages`, { text: `${text} again` }, bearer(token));
		// A refused body with the text in it: the error names the field, the log only its code.
		await postJson(`/api/chats/${chat.id}/messages`, { text: `${text}\u202e` }, bearer(token));
		await logs.closeAll([socket]);

		expect(events("request").map((line) => line.status)).toEqual([400, 404, 401, 400]);
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
		// Everything logged is one JSON object per line, with its level.
		for (const line of logs.lines) {
			expect(() => JSON.parse(line), line).not.toThrow();
			expect(["info", "warn", "error"]).toContain(JSON.parse(line).level);
		}
	});
});

describe("room events in the log", () => {
	it("writes no line for a routine join (the join metric counts it), and says when the room woke", async () => {
		const chat = await createChat();
		const alice = await joinToken(chat, "alice");
		const socket = await TestSocket.open(chat.id, alice.token, 0);
		const joins = () =>
			logs.events("metric").filter((line) => line.metric === "join" && line.chatId === chat.id);
		await logs.until(() => joins().length === 1, "the join metric");
		expect(joins()[0]).toMatchObject({ detail: "root", value: 1, size: 1 });
		const ofChat = logs.lines.filter((line) => line.includes(chat.id) && !line.includes('"event":"metric"'));
		expect(ofChat).toEqual([]);

		await evictDurableObject(roomStub(chat.id));
		socket.send({ type: "send", text: "wake up" });
		await socket.next("message");
		const woke = events("room.woke");
		expect(woke).toContainEqual(expect.objectContaining({ level: "info", chatId: chat.id, shard: 0 }));
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
			expect.objectContaining({
				level: "warn",
				chatId: chat.id,
				shard: 0,
				code: "unauthorized",
				status: 401,
			}),
		);
	});
});
