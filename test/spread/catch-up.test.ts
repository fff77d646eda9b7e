import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { limits } from "../../worker/protocol";
import { createChat, diagnostics, joinToken, seedMessages, TestSocket, until } from "../worker/helpers";

// This file runs with ROOM_SHARD_CAPACITY=1 (vitest.spread.config.ts): a chat's second socket
// lives on a shard.

describe("a shard far behind its root", () => {
	it("delivers every missing message to its sockets, however many reads of the log that takes", async () => {
		expect(env.ROOM_SHARD_CAPACITY).toBe("1");
		// Private: a public chat's directory report runs the alarm, whose retention pass would trim
		// the seeded log (MESSAGE_RETENTION 300) while the shard reads it.
		const chat = await createChat({ visibility: "private" });
		const atRoot = await TestSocket.open(chat.id, (await joinToken(chat, "ada")).token);
		const onShard = await TestSocket.open(chat.id, (await joinToken(chat, "bob")).token);
		await until(async () => (await diagnostics(chat)).shards === 2, "the root and one shard");
		// Written straight into the root's log: the shard was sent none of them, and learns of them
		// only from the next batch, whose `after` is the root's newest seq.
		const behind = limits.replayMax * 2 + 10;
		await seedMessages(chat.id, behind);
		atRoot.send({ type: "typing" });
		// The typing notice comes in that batch, after what the shard had to fetch first.
		await onShard.next("typing");
		const seqs = onShard.messages.map((message) => message.seq);
		expect(seqs.length).toBe(behind);
		expect(seqs).toEqual(Array.from({ length: behind }, (_, index) => index + 1));
		atRoot.close();
		onShard.close();
	});
});
