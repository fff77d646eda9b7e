import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fanoutPlan } from "../../worker/fanout/fanout-plan";
import type { ChatMessage, CreatedChat } from "../../worker/protocol";
import { shardObject } from "../../worker/routing/shard-address";
import {
	api,
	createChat,
	diagnostics,
	expectWhole,
	joinToken,
	postMany,
	postMessage,
	roomStub,
	sleep,
	TestSocket,
	until,
} from "../worker/helpers";

// This file runs with ROOM_SHARD_CAPACITY=1 (vitest.spread.config.ts): every socket after a
// chat's first lives in a shard of its own.

async function openMany(chat: CreatedChat, count: number, prefix = "user"): Promise<TestSocket[]> {
	const sockets: TestSocket[] = [];
	for (let index = 0; index < count; index++) {
		sockets.push(await TestSocket.open(chat.id, (await joinToken(chat, `${prefix}${index}`)).token));
	}
	return sockets;
}

describe("a chat spread over many objects", () => {
	it("spreads 40 sockets over at least 10 objects and counts them all", async () => {
		expect(env.ROOM_SHARD_CAPACITY).toBe("1");
		const chat = await createChat();
		const sockets = await openMany(chat, 40);
		await until(async () => (await diagnostics(chat)).online === 40, "40 users online");
		const counts = await diagnostics(chat);
		expect(counts.connections).toBe(40);
		expect(counts.shards).toBeGreaterThanOrEqual(10);
		await until(
			async () =>
				(await (await api(`/api/chats/${chat.id}`)).json<{ connections: number }>()).connections === 40,
			"the chat's connection count",
		);
		for (const socket of sockets) socket.close();
		await until(async () => (await diagnostics(chat)).connections === 0, "every socket counted out");
		expect((await diagnostics(chat)).shards).toBe(0);
	});

	it("gives every socket on every object the same order, without gaps or repeats", async () => {
		const chat = await createChat();
		const sockets = await openMany(chat, 8);
		sockets.forEach((socket, index) => {
			for (let n = 0; n < 5; n++)
				socket.send({ type: "send", text: `${index}-${n}`, clientId: `c${index}-${n}` });
		});
		for (const socket of sockets) await socket.until(() => socket.messages.length === 40, "40 messages");
		const order = sockets[0]?.messages.map((message) => message.text);
		for (const socket of sockets) {
			expectWhole(socket.messages, 1, 40);
			expect(socket.messages.map((message) => message.text)).toEqual(order);
		}
		for (const socket of sockets) socket.close();
	});

	it("stores a clientId retry from a shard once, over the socket and over HTTP", async () => {
		const chat = await createChat();
		const [watcher] = await openMany(chat, 1, "watcher");
		const alice = await joinToken(chat, "alice");
		const socket = await TestSocket.open(chat.id, alice.token);
		socket.send({ type: "send", text: "once", clientId: "same" });
		socket.send({ type: "send", text: "once", clientId: "same" });
		const http = await postMessage(chat.id, alice.token, "once", "same");
		expect(http.status).toBe(200);
		expect(http.body.message.seq).toBe(1);
		await watcher?.until(() => (watcher?.messages.length ?? 0) === 1, "the message");
		await sleep(50);
		expect(watcher?.messages.map((message) => message.seq)).toEqual([1]);
		expect((await diagnostics(chat)).storedMessages).toBe(1);
		watcher?.close();
		socket.close();
	});

	it("loses nothing when a shard restarts while messages flow: its clients resume with since", async () => {
		const chat = await createChat();
		const [root, reader] = await openMany(chat, 2);
		if (!root || !reader) throw new Error("no sockets");
		const readerToken = (await joinToken(chat, "reader")).token;
		let resumed = await TestSocket.open(chat.id, readerToken);
		const seen: ChatMessage[] = [];
		const posting = postMany(chat, 30);
		await resumed.until(() => resumed.messages.length >= 5, "some messages");
		// A restart of the shard: its sockets are dropped, as on a deploy.
		const shardIndex = (await diagnostics(chat)).shards - 1;
		await evictDurableObject(shardObject(env, chat.id, shardIndex), { webSockets: "close" });
		await resumed.until(() => resumed.closed !== null, "the dropped socket");
		seen.push(...resumed.messages);
		resumed = await TestSocket.open(chat.id, readerToken, seen.at(-1)?.seq ?? 0);
		await posting;
		await resumed.until(() => seen.length + resumed.messages.length === 30, "all 30 messages");
		expectWhole([...seen, ...resumed.messages], 1, 30);
		await root.until(() => root.messages.length === 30, "30 at the root");
		await reader.until(() => reader.messages.length === 30, "30 at the other shard");
		expectWhole(root.messages, 1, 30);
		expectWhole(reader.messages, 1, 30);
		for (const socket of [root, reader, resumed]) socket.close();
	});

	it("sends a rejoined shard the very next message, even when nothing follows it", async () => {
		const chat = await createChat();
		// One person in two tabs: the second tab's return is no news to presence, so no presence
		// frame follows it that could carry the message along by chance.
		const readerToken = (await joinToken(chat, "reader")).token;
		const posterToken = (await joinToken(chat, "poster")).token;
		const root = await TestSocket.open(chat.id, readerToken);
		const reader = await TestSocket.open(chat.id, readerToken);
		// Once the shard has reported its socket, the root counts on it...
		await until(async () => (await diagnostics(chat)).connections === 2, "the shard's report");
		await sleep(100);
		// ...and after a restart the shard must tell the root at once that it holds one again.
		await evictDurableObject(shardObject(env, chat.id, 1), { webSockets: "close" });
		await reader.until(() => reader.closed !== null, "the dropped socket");
		const back = await TestSocket.open(chat.id, readerToken, 0);
		// At once: before the shard's first presence report could tell the root it holds a socket.
		expect((await postMessage(chat.id, posterToken, "right away")).status).toBe(201);
		await back.until(() => back.messages.length === 1, "the one message");
		for (const socket of [root, back]) socket.close();
	});

	it("loses nothing when the root is evicted while messages flow", async () => {
		const chat = await createChat();
		const sockets = await openMany(chat, 4);
		await postMany(chat, 30, (n) =>
			n === 10 || n === 20 ? evictDurableObject(roomStub(chat.id)) : undefined,
		);
		for (const socket of sockets) {
			await socket.until(() => socket.messages.length === 30, "30 messages");
			expectWhole(socket.messages, 1, 30);
		}
		for (const socket of sockets) socket.close();
	});

	it("continues the order after the root restarts and drops its own sockets", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat, "poster");
		const sockets = await openMany(chat, 3);
		for (let n = 1; n <= 5; n++) await postMessage(chat.id, token, `m${n}`);
		await evictDurableObject(roomStub(chat.id), { webSockets: "close" });
		const [first, ...onShards] = sockets;
		await first?.until(() => first?.closed !== null, "the root's socket dropped");
		for (let n = 6; n <= 10; n++) await postMessage(chat.id, token, `m${n}`);
		for (const socket of onShards) {
			await socket.until(() => socket.messages.length === 10, "10 messages");
			expectWhole(socket.messages, 1, 10);
			expect(socket.closed).toBeNull();
		}
		for (const socket of onShards) socket.close();
	});

	it("counts out the users of a shard that restarted, and tells everyone they left", async () => {
		const chat = await createChat();
		const [watcher, leaver] = await openMany(chat, 2);
		if (!watcher || !leaver) throw new Error("no sockets");
		await until(async () => (await diagnostics(chat)).online === 2, "both online");
		await evictDurableObject(shardObject(env, chat.id, 1), { webSockets: "close" });
		await leaver.until(() => leaver.closed !== null, "the dropped socket");
		// The next message reaches the restarted shard, which tells the root that nobody is left.
		await postMessage(chat.id, (await joinToken(chat, "poster")).token, "anyone there?");
		await watcher.until(
			() => watcher.of("presence").some((frame) => frame.left.some((user) => user.name === "user1")),
			"user1's leave",
		);
		const counts = await diagnostics(chat);
		expect(counts.online).toBe(1);
		expect(counts.connections).toBe(1);
		watcher.close();
	});

	it("does not hand a socket again what it had on an object further on: a resume ahead of its shard", async () => {
		// The fan-out reaches objects at slightly different moments: a client cut from a shard
		// that had delivered seq 2 may resume on one still at 0. It has 1 and 2; it must get 3 alone.
		const chat = await createChat();
		const first = await TestSocket.open(chat.id, (await joinToken(chat, "first")).token);
		const ahead = await TestSocket.open(chat.id, (await joinToken(chat, "ahead")).token, 2);
		expect((await ahead.next("ready")).replay).toMatchObject({ since: 2, missed: 0, replayed: 0 });
		await postMany(chat, 3);
		await ahead.until(() => ahead.messages.length > 0 && ahead.messages.at(-1)?.seq === 3, "message 3");
		await first.until(() => first.messages.length === 3, "all three messages");
		expect(ahead.messages.map((message) => message.seq)).toEqual([3]);
		first.close();
		ahead.close();
	});

	it("greets a socket on a shard with everyone online on the other objects", async () => {
		const chat = await createChat();
		const early = await openMany(chat, 3);
		await until(async () => (await diagnostics(chat)).online === 3, "three online");
		const late = await TestSocket.open(chat.id, (await joinToken(chat, "late")).token);
		const ready = late.frames[0];
		expect(ready?.type === "ready" && ready.online.map((user) => user.name).sort()).toEqual([
			"late",
			"user0",
			"user1",
			"user2",
		]);
		expect(ready).toMatchObject({ onlineCount: 4 });
		for (const socket of [...early, late]) socket.close();
	});
});

describe("the fan-out plan", () => {
	it("sends to every shard directly up to the limit, then through that many relays", () => {
		expect([...fanoutPlan([3, 1, 2], 3)]).toEqual([
			[1, []],
			[2, []],
			[3, []],
		]);
		const plan = fanoutPlan(
			Array.from({ length: 10 }, (_, index) => index + 1),
			3,
		);
		expect([...plan.keys()]).toEqual([1, 2, 3]);
		expect(plan.get(1)).toEqual([4, 7, 10]);
		expect(plan.get(2)).toEqual([5, 8]);
		expect(plan.get(3)).toEqual([6, 9]);
		expect([...plan.values()].flat().length + plan.size).toBe(10);
	});

	it("reaches every socket of 40 objects through relays, in one order", async () => {
		expect(env.ROOM_FANOUT_DIRECT_MAX).toBe("3");
		const chat = await createChat();
		const sockets = await openMany(chat, 40);
		await postMany(chat, 10);
		for (const socket of sockets) {
			await socket.until(() => socket.messages.length === 10, "10 messages");
			expectWhole(socket.messages, 1, 10);
		}
		for (const socket of sockets) socket.close();
	});

	it("loses nothing behind a relay that restarts while messages flow", async () => {
		const chat = await createChat();
		const sockets = await openMany(chat, 12);
		// Shard 1 relays to shards 4, 7 and 10; its own socket is dropped by the restart.
		await postMany(chat, 20, (n) =>
			n === 8 ? evictDurableObject(shardObject(env, chat.id, 1), { webSockets: "close" }) : undefined,
		);
		const relayed = sockets.filter((_, index) => index !== 1);
		for (const socket of relayed) {
			await socket.until(() => socket.messages.length === 20, "20 messages");
			expectWhole(socket.messages, 1, 20);
		}
		for (const socket of sockets) socket.close();
	});
});
