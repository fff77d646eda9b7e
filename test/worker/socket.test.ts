import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { issueToken } from "../../worker/auth/tokens";
import { limits } from "../../worker/protocol";
import {
	api,
	createChat,
	expectError,
	joinToken,
	postMessage,
	storedMessageCount,
	TestSocket,
} from "./helpers";

const wsPath = (id: string, token?: string) =>
	`/api/chats/${id}/ws${token === undefined ? "" : `?token=${token}`}`;
const upgrade = { headers: { Upgrade: "websocket" } };

describe("GET /api/chats/:id/ws before the upgrade", () => {
	it("refuses missing, invalid, expired and other-chat tokens with 401", async () => {
		const chat = await createChat();
		const { user } = await joinToken(chat);
		const expired = await issueToken(env.TOKEN_SECRET, { chatId: chat.id, user, expiresAt: Date.now() - 1 });
		const foreign = await joinToken(await createChat());
		await expectError(await api(wsPath(chat.id), upgrade), 401, "unauthorized");
		await expectError(await api(wsPath(chat.id, "garbage"), upgrade), 401, "unauthorized");
		await expectError(await api(wsPath(chat.id, expired), upgrade), 401, "unauthorized");
		await expectError(await api(wsPath(chat.id, foreign.token), upgrade), 401, "unauthorized");
	});

	it("answers 426 to a plain HTTP request", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat);
		await expectError(await api(wsPath(chat.id, token)), 426, "upgrade_required");
	});

	it("answers 404 for a chat that does not exist, even with a validly signed token", async () => {
		const ghost = "GhostGhostGhost1";
		const user = { id: "u1", name: "x", role: "member" as const };
		const token = await issueToken(env.TOKEN_SECRET, { chatId: ghost, user, expiresAt: Date.now() + 60_000 });
		await expectError(await api(wsPath(ghost, token), upgrade), 404, "not_found");
	});
});

describe("the WebSocket protocol", () => {
	it("greets with ready: the user, the chat, who is online and the last seq", async () => {
		const chat = await createChat({ name: "Greeting" });
		const alice = await joinToken(chat, "alice");
		await postMessage(chat.id, alice.token, "before anyone connected");
		const socket = await TestSocket.open(chat.id, alice.token);
		expect(socket.frames[0]).toEqual({
			type: "ready",
			user: alice.user,
			chat: { id: chat.id, name: "Greeting", visibility: "public", history: true },
			online: [{ id: alice.user.id, name: "alice" }],
			onlineCount: 1,
			lastSeq: 1,
			rev: 1,
		});
		socket.close();
	});

	it("delivers every message to every socket, sender included, in the same order", async () => {
		const chat = await createChat();
		const alice = await TestSocket.open(chat.id, (await joinToken(chat, "alice")).token);
		const bob = await TestSocket.open(chat.id, (await joinToken(chat, "bob")).token);
		for (let index = 0; index < 5; index++) {
			alice.send({ type: "send", text: `a${index}` });
			bob.send({ type: "send", text: `b${index}` });
		}
		await alice.until(() => alice.messages.length === 10, "10 messages at alice");
		await bob.until(() => bob.messages.length === 10, "10 messages at bob");
		expect(alice.messages).toEqual(bob.messages);
		expect(alice.messages.map((message) => message.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		const texts = alice.messages.map((message) => message.text);
		expect(texts.filter((text) => text.startsWith("a"))).toEqual(["a0", "a1", "a2", "a3", "a4"]);
		expect(await storedMessageCount(chat.id)).toBe(10);
		alice.close();
		bob.close();
	});

	it("acknowledges a repeated clientId to its sender alone, without storing it again", async () => {
		const chat = await createChat();
		const alice = await TestSocket.open(chat.id, (await joinToken(chat, "alice")).token);
		const bob = await TestSocket.open(chat.id, (await joinToken(chat, "bob")).token);
		alice.send({ type: "send", text: "only once", clientId: "c-42" });
		const original = (await alice.next("message")).message;
		alice.send({ type: "send", text: "only once", clientId: "c-42" });
		expect((await alice.next("message", 1)).message).toEqual(original);
		bob.send({ type: "send", text: "marker" });
		await bob.until(() => bob.messages.some((message) => message.text === "marker"), "the marker");
		expect(bob.messages.map((message) => message.text)).toEqual(["only once", "marker"]);
		expect(await storedMessageCount(chat.id)).toBe(2);
		alice.close();
		bob.close();
	});

	it("relays typing notices to the others, not to the typist", async () => {
		const chat = await createChat();
		const alice = await TestSocket.open(chat.id, (await joinToken(chat, "alice")).token);
		const bob = await TestSocket.open(chat.id, (await joinToken(chat, "bob")).token);
		alice.send({ type: "typing" });
		const notice = await bob.next("typing");
		expect(notice.user.name).toBe("alice");
		alice.send({ type: "send", text: "done typing" });
		await alice.next("message");
		expect(alice.of("typing")).toEqual([]);
		alice.close();
		bob.close();
	});

	it("answers the text frame ping with pong", async () => {
		const chat = await createChat();
		const socket = await TestSocket.open(chat.id, (await joinToken(chat)).token);
		socket.send("ping");
		await socket.until(() => socket.raw.includes("pong"), "pong");
		socket.close();
	});

	const badFrames: Array<[string, string | ArrayBuffer, string]> = [
		["malformed JSON", "{oops", "bad_request"],
		["JSON that is not an object", "[1,2]", "bad_request"],
		["an unknown type", JSON.stringify({ type: "dance" }), "bad_request"],
		["a frame without a type", JSON.stringify({ text: "hi" }), "bad_request"],
		["a send with empty text", JSON.stringify({ type: "send", text: "   " }), "bad_request"],
		["a send over 4000 characters", JSON.stringify({ type: "send", text: "x".repeat(4001) }), "bad_request"],
		["a binary frame", new Uint8Array([1, 2, 3]).buffer, "bad_request"],
		[
			"a frame over 16 KiB",
			JSON.stringify({ type: "send", text: "x".repeat(limits.frameBytesMax) }),
			"too_large",
		],
	];

	it.each(badFrames)(
		"answers %s with an error frame, keeps the socket open and stores nothing",
		async (_what, frame, code) => {
			const chat = await createChat();
			const socket = await TestSocket.open(chat.id, (await joinToken(chat)).token);
			socket.send({ type: "send", text: "kept" });
			await socket.next("message");
			socket.socket.send(frame);
			const error = await socket.next("error");
			expect(error.code).toBe(code);
			expect(error.message.length).toBeGreaterThan(0);
			socket.send({ type: "send", text: "still open" });
			await socket.next("message", 1);
			expect(socket.closed).toBeNull();
			expect(await storedMessageCount(chat.id)).toBe(2);
			socket.close();
		},
	);

	it("names the clientId of a refused send, so the client can settle it", async () => {
		const chat = await createChat();
		const socket = await TestSocket.open(chat.id, (await joinToken(chat)).token);
		socket.send({ type: "send", text: "", clientId: "c-empty" });
		expect(await socket.next("error")).toMatchObject({ code: "bad_request", clientId: "c-empty" });
		socket.close();
	});

	it("rate limits sends per user across sockets with rate_limited errors that say how long to wait", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat, "fast");
		const first = await TestSocket.open(chat.id, token);
		const second = await TestSocket.open(chat.id, token);
		const startedAt = Date.now();
		for (let index = 0; index < 12; index++) {
			first.send({ type: "send", text: `1-${index}`, clientId: `one-${index}` });
			second.send({ type: "send", text: `2-${index}`, clientId: `two-${index}` });
		}
		// Every send is either stored (and echoed to both sockets) or refused to its sender.
		const refusals = () => first.of("error").length + second.of("error").length;
		await first.until(() => first.messages.length + refusals() === 24, "an answer to every send");
		await second.until(() => second.messages.length === first.messages.length, "the same at the second");
		// The bucket refills one message per 500 ms: on a slow machine a few more than 20 pass.
		const stored = first.messages.length;
		expect(stored).toBeGreaterThanOrEqual(20);
		expect(stored).toBeLessThanOrEqual(20 + Math.ceil((Date.now() - startedAt) / 500));
		expect(refusals()).toBe(24 - stored);
		for (const error of [...first.of("error"), ...second.of("error")]) {
			expect(error.code).toBe("rate_limited");
			expect(error.clientId).toMatch(/^(one|two)-\d+$/);
			// 20 per 10 s refills one every 500 ms: the wait is within that and machine-readable.
			expect(error.retryAfterMs).toBeGreaterThan(0);
			expect(error.retryAfterMs).toBeLessThanOrEqual(500);
		}
		expect(await storedMessageCount(chat.id)).toBe(stored);
		first.close();
		second.close();
	});

	it("lets members delete their own messages over the socket, and the owner anyone's", async () => {
		const chat = await createChat();
		const member = await TestSocket.open(chat.id, (await joinToken(chat, "member")).token);
		const owner = await TestSocket.open(chat.id, (await joinToken(chat, "owner", chat.ownerKey)).token);
		member.send({ type: "send", text: "oops" });
		await owner.next("message");
		owner.send({ type: "send", text: "the owner's" });
		await member.until(() => member.messages.length === 2, "both messages");
		member.send({ type: "delete", seq: 2 });
		expect((await member.next("error")).code).toBe("forbidden");
		member.send({ type: "delete", seq: 1 });
		expect(await owner.next("deleted")).toEqual({ type: "deleted", seq: 1, rev: 3 });
		owner.send({ type: "delete", seq: 2 });
		expect(await member.next("deleted", 1)).toEqual({ type: "deleted", seq: 2, rev: 4 });
		owner.send({ type: "delete", seq: 7 });
		expect((await owner.next("error")).code).toBe("not_found");
		member.close();
		owner.close();
	});
});
