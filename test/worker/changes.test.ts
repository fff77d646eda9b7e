import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatMessage, HistoryPage, MessageReactions } from "../../worker/protocol";
import { api, call, createChat, expectError, joinToken, postMessage, roomStub, TestSocket } from "./helpers";

async function history(chatId: string): Promise<ChatMessage[]> {
	return (await (await api(`/api/chats/${chatId}/messages`)).json<HistoryPage>()).messages;
}

async function openWith(chatId: string, token: string, query: string): Promise<TestSocket> {
	const response = await api(`/api/chats/${chatId}/ws?token=${encodeURIComponent(token)}&${query}`, {
		headers: { Upgrade: "websocket" },
	});
	expect(response.status).toBe(101);
	if (!response.webSocket) throw new Error("no socket");
	const socket = new TestSocket(response.webSocket);
	await socket.next("ready");
	return socket;
}

const reactionPath = (chatId: string, seq: number, emoji: string) =>
	`/api/chats/${chatId}/messages/${seq}/reactions/${encodeURIComponent(emoji)}`;

describe("editing your own messages", () => {
	it("edits over the socket: everyone gets edited with editedAt and rev, and history shows it", async () => {
		const chat = await createChat();
		const alice = await joinToken(chat, "alice");
		const writer = await TestSocket.open(chat.id, alice.token);
		const reader = await TestSocket.open(chat.id, (await joinToken(chat, "bob")).token);
		writer.send({ type: "send", text: "helo" });
		await reader.next("message");
		writer.send({ type: "edit", seq: 1, text: "hello" });
		const edited = await reader.next("edited");
		expect(edited.message).toMatchObject({ seq: 1, text: "hello", user: { id: alice.user.id } });
		expect(edited.message.editedAt).toBeGreaterThan(0);
		expect(edited.rev).toBe(2);
		expect((await writer.next("edited")).rev).toBe(2);
		expect((await history(chat.id))[0]).toMatchObject({ text: "hello", editedAt: edited.message.editedAt });
		writer.close();
		reader.close();
	});

	it("edits over HTTP, and refuses others' messages, missing and deleted ones, and bad text", async () => {
		const chat = await createChat();
		const alice = await joinToken(chat, "alice");
		const owner = await joinToken(chat, "olga", chat.ownerKey);
		await postMessage(chat.id, alice.token, "first");
		await postMessage(chat.id, alice.token, "second");
		const response = await call("PATCH", `/api/chats/${chat.id}/messages/1`, alice.token, {
			text: " fixed ",
		});
		expect(response.status).toBe(200);
		expect((await response.json<{ message: ChatMessage }>()).message).toMatchObject({
			seq: 1,
			text: "fixed",
		});
		await expectError(
			await call("PATCH", `/api/chats/${chat.id}/messages/1`, owner.token, { text: "x" }),
			403,
			"forbidden",
		);
		await expectError(
			await call("PATCH", `/api/chats/${chat.id}/messages/9`, alice.token, { text: "x" }),
			404,
			"not_found",
		);
		await expectError(
			await call("PATCH", `/api/chats/${chat.id}/messages/1`, alice.token, { text: "" }),
			400,
			"bad_request",
		);
		expect((await call("DELETE", `/api/chats/${chat.id}/messages/2`, alice.token)).status).toBe(204);
		await expectError(
			await call("PATCH", `/api/chats/${chat.id}/messages/2`, alice.token, { text: "x" }),
			400,
			"bad_request",
		);
		const socket = await TestSocket.open(chat.id, owner.token);
		socket.send({ type: "edit", seq: 1, text: "not mine" });
		expect((await socket.next("error")).code).toBe("forbidden");
		socket.close();
	});
});

describe("reactions", () => {
	it("toggles the sender's reaction over the socket and counts everyone's", async () => {
		const chat = await createChat();
		const alice = await TestSocket.open(chat.id, (await joinToken(chat, "alice")).token);
		const bob = await joinToken(chat, "bob");
		const bobSocket = await TestSocket.open(chat.id, bob.token);
		alice.send({ type: "send", text: "vote" });
		await bobSocket.next("message");
		alice.send({ type: "react", seq: 1, emoji: "👍" });
		expect(await bobSocket.next("reactions")).toEqual({
			type: "reactions",
			seq: 1,
			reactions: [{ emoji: "👍", count: 1 }],
			rev: 2,
		});
		const put = await call("PUT", reactionPath(chat.id, 1, "👍"), bob.token);
		expect(await put.json<MessageReactions>()).toEqual({
			seq: 1,
			reactions: [{ emoji: "👍", count: 2 }],
			rev: 3,
		});
		await call("PUT", reactionPath(chat.id, 1, "👩🏽‍💻"), bob.token);
		alice.send({ type: "react", seq: 1, emoji: "👍" });
		expect((await bobSocket.next("reactions", 3)).reactions).toEqual([
			{ emoji: "👍", count: 1 },
			{ emoji: "👩🏽‍💻", count: 1 },
		]);
		expect((await history(chat.id))[0]?.reactions).toEqual([
			{ emoji: "👍", count: 1 },
			{ emoji: "👩🏽‍💻", count: 1 },
		]);
		const removed = await call("DELETE", reactionPath(chat.id, 1, "👍"), bob.token);
		expect((await removed.json<MessageReactions>()).reactions).toEqual([{ emoji: "👩🏽‍💻", count: 1 }]);
		alice.close();
		bobSocket.close();
	});

	it("refuses what is not one emoji of at most 32 bytes, and a 21st different emoji", async () => {
		const chat = await createChat();
		const alice = await joinToken(chat, "alice");
		await postMessage(chat.id, alice.token, "react to me");
		for (const bad of ["ab", " ", "👍👍", "🏳️‍🌈".repeat(2), "a\u0301b"]) {
			await expectError(await call("PUT", reactionPath(chat.id, 1, bad), alice.token), 400, "bad_request");
		}
		const socket = await TestSocket.open(chat.id, alice.token);
		socket.send({ type: "react", seq: 1, emoji: "no" });
		expect((await socket.next("error")).code).toBe("bad_request");
		socket.send({ type: "react", seq: 5, emoji: "👍" });
		expect((await socket.next("error", 1)).code).toBe("not_found");
		const twenty = [..."abcdefghijklmnopqrst"];
		for (const letter of twenty)
			expect((await call("PUT", reactionPath(chat.id, 1, letter), alice.token)).status).toBe(200);
		await expectError(await call("PUT", reactionPath(chat.id, 1, "u"), alice.token), 400, "bad_request");
		expect((await call("PUT", reactionPath(chat.id, 1, "a"), alice.token)).status).toBe(200);
		socket.close();
	});
});

describe("changes reach clients that were away", () => {
	it("replays missed messages, then each message changed after rev, before any live frame", async () => {
		const chat = await createChat();
		const alice = await joinToken(chat, "alice");
		const bob = await joinToken(chat, "bob");
		const writer = await TestSocket.open(chat.id, alice.token);
		let reader = await TestSocket.open(chat.id, bob.token);
		for (const text of ["one", "two", "three"]) writer.send({ type: "send", text });
		await reader.until(() => reader.messages.length === 3, "three messages");
		const lastSeq = 3;
		const lastRev = reader.of("message").at(-1)?.rev ?? 0;
		expect(lastRev).toBe(3);
		reader.close();

		writer.send({ type: "edit", seq: 1, text: "one, edited" });
		writer.send({ type: "delete", seq: 2 });
		writer.send({ type: "react", seq: 3, emoji: "🎉" });
		writer.send({ type: "send", text: "four" });
		writer.send({ type: "react", seq: 1, emoji: "🎉" });
		await writer.until(() => writer.of("reactions").length === 2, "the changes");
		await evictDurableObject(roomStub(chat.id));

		reader = await openWith(chat.id, bob.token, `since=${lastSeq}&rev=${lastRev}`);
		const ready = reader.frames[0];
		expect(ready).toMatchObject({ type: "ready", lastSeq: 4, rev: 8 });
		writer.close();
		const extra = await TestSocket.open(chat.id, alice.token);
		extra.send({ type: "send", text: "live" });
		await reader.until(() => reader.messages.some((message) => message.text === "live"), "the live message");
		const summary = reader.frames.slice(1).map((frame) => {
			if (frame.type === "message") return `message ${frame.message.seq} ${frame.message.text}`;
			if (frame.type === "edited")
				return `edited ${frame.message.seq} ${frame.message.text} ${frame.message.reactions?.[0]?.emoji}`;
			if (frame.type === "deleted") return `deleted ${frame.seq}`;
			if (frame.type === "reactions")
				return `reactions ${frame.seq} ${frame.reactions.map((r) => r.emoji).join()}`;
			return frame.type;
		});
		expect(summary.filter((line) => line !== "presence")).toEqual([
			"message 4 four",
			"edited 1 one, edited 🎉",
			"deleted 2",
			"reactions 3 🎉",
			"message 5 live",
		]);
		reader.close();
		extra.close();
	});

	it("behaves as v1 without rev: missed messages only", async () => {
		const chat = await createChat();
		const alice = await joinToken(chat, "alice");
		await postMessage(chat.id, alice.token, "one");
		await call("PATCH", `/api/chats/${chat.id}/messages/1`, alice.token, { text: "uno" });
		await postMessage(chat.id, alice.token, "two");
		const reader = await openWith(chat.id, alice.token, "since=1");
		await reader.until(() => reader.messages.length === 1, "the missed message");
		expect(reader.of("edited")).toEqual([]);
		expect(reader.frames[0]).toMatchObject({ type: "ready", rev: 3 });
		reader.close();
	});
});

describe("what cannot be changed", () => {
	it("refuses edits and reactions in a chat that keeps no history, and reactions on a deleted message", async () => {
		const relay = await createChat({ history: false });
		const alice = await joinToken(relay, "alice");
		const posted = await postMessage(relay.id, alice.token, "fleeting");
		const seq = posted.body.message.seq;
		await expectError(
			await call("PATCH", `/api/chats/${relay.id}/messages/${seq}`, alice.token, { text: "x" }),
			400,
			"bad_request",
		);
		await expectError(await call("PUT", reactionPath(relay.id, seq, "👍"), alice.token), 400, "bad_request");

		const chat = await createChat();
		const bob = await joinToken(chat, "bob");
		await postMessage(chat.id, bob.token, "soon gone");
		await call("PUT", reactionPath(chat.id, 1, "👍"), bob.token);
		expect((await call("DELETE", `/api/chats/${chat.id}/messages/1`, bob.token)).status).toBe(204);
		await expectError(await call("PUT", reactionPath(chat.id, 1, "👍"), bob.token), 400, "bad_request");
		expect((await history(chat.id))[0]).toMatchObject({ deleted: true, text: "" });
		expect((await history(chat.id))[0]?.reactions).toBeUndefined();
	});

	it("refuses edits and reactions from a muted user", async () => {
		const chat = await createChat();
		const owner = await joinToken(chat, "olga", chat.ownerKey);
		const bob = await joinToken(chat, "bob");
		await postMessage(chat.id, bob.token, "before the mute");
		await call("POST", `/api/chats/${chat.id}/mutes`, owner.token, { userId: bob.user.id });
		await expectError(
			await call("PATCH", `/api/chats/${chat.id}/messages/1`, bob.token, { text: "x" }),
			403,
			"muted",
		);
		await expectError(await call("PUT", reactionPath(chat.id, 1, "👍"), bob.token), 403, "muted");
	});
});
