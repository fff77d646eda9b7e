import { describe, expect, it } from "vitest";
import { createChat, joinToken, TestSocket } from "../worker/helpers";
import { captureLogs } from "../worker/log-capture";

// This file runs with ROOM_SHARD_CAPACITY=1 (vitest.spread.config.ts): the second socket of a
// chat is held by shard 1.
const logs = captureLogs();

describe("the log of a chat spread over shards", () => {
	it("says which object admitted each socket, and when a shard attached to the root", async () => {
		const chat = await createChat();
		const first = await TestSocket.open(chat.id, (await joinToken(chat, "alice")).token);
		const second = await TestSocket.open(chat.id, (await joinToken(chat, "bob")).token);
		await logs.until(() => logs.events("socket.admitted").length === 2, "two admitted lines");

		const admitted = logs.events("socket.admitted");
		expect(admitted.map((line) => [line.chatId, line.shard])).toEqual([
			[chat.id, 0],
			[chat.id, 1],
		]);
		expect(logs.events("shard.attached")).toContainEqual(
			expect.objectContaining({ chatId: chat.id, shard: 1, sockets: 1 }),
		);
		// The root sent the second join on: an info line, not a refusal of the client.
		expect(logs.events("socket.refused")).toContainEqual(
			expect.objectContaining({ chatId: chat.id, shard: 0, code: "full", status: 503 }),
		);
		await logs.closeAll([first, second]);
	});
});
