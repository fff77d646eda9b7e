import { describe, expect, it } from "vitest";
import { createChat, diagnostics, joinToken, TestSocket } from "../worker/helpers";
import { captureLogs } from "../worker/log-capture";

// This file runs with ROOM_SHARD_CAPACITY=1 (vitest.spread.config.ts): the second socket of a
// chat is held by shard 1.
const logs = captureLogs();

/** The `join` metric lines of a chat: one per socket admitted, `detail` naming the root or a shard. */
const joins = (chatId: string) =>
	logs.events("metric").filter((line) => line.metric === "join" && line.chatId === chatId);

describe("the log of a chat spread over shards", () => {
	it("counts which object admitted each socket, and says when a shard attached to the root", async () => {
		const chat = await createChat();
		const first = await TestSocket.open(chat.id, (await joinToken(chat, "alice")).token);
		const second = await TestSocket.open(chat.id, (await joinToken(chat, "bob")).token);
		await logs.until(() => joins(chat.id).length === 2, "two join metrics");

		expect(joins(chat.id).map((line) => line.detail)).toEqual(["root", "shard"]);
		expect(logs.events("shard.attached")).toContainEqual(
			expect.objectContaining({ chatId: chat.id, shard: 1, sockets: 1 }),
		);
		// The root sent the second join on: an info line, not a refusal of the client.
		expect(logs.events("socket.refused")).toContainEqual(
			expect.objectContaining({ level: "info", chatId: chat.id, shard: 0, code: "full", status: 503 }),
		);
		await logs.closeAll([first, second]);
	});

	it("attaches a shard to the root once for a storm of joins, not once per join", async () => {
		const chat = await createChat();
		const first = await TestSocket.open(chat.id, (await joinToken(chat, "first")).token);
		const tokens = await Promise.all(
			[1, 2, 3, 4, 5, 6].map(async (n) => (await joinToken(chat, `storm${n}`)).token),
		);
		// Joins that arrive together are all let into the first shard (capacity is a soft bound).
		const storm = await Promise.all(tokens.map((token) => TestSocket.open(chat.id, token)));
		await logs.until(() => joins(chat.id).length === 7, "seven join metrics");
		// The objects holding the chat's sockets: the root (the first socket) and the shards that took the rest.
		const shards = (await diagnostics(chat)).shards - 1;
		expect(shards).toBeGreaterThanOrEqual(1);
		const attaches = logs.events("shard.attached").filter((line) => line.chatId === chat.id);
		// One welcome per shard that took sockets: the joins behind the first waited for its attach.
		expect(attaches.length).toBe(shards);
		await logs.closeAll([first, ...storm]);
	});
});
