import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardObject } from "../../worker/routing/shard-address";
import { createChat, joinToken, TestSocket } from "../worker/helpers";

// This file runs with ROOM_SHARD_CAPACITY=2 and ROOM_FANOUT_BATCH_MS=150 (vitest.chaos.config.ts):
// the third socket of a chat is on a shard, and a batch follows the one before it 150 ms later at
// the earliest, so a shard is reliably behind its root for a moment.

const seqsOf = (socket: TestSocket) => socket.messages.map((message) => message.seq);

/** A chat whose root holds Alice and Anna (it is full) and whose shard 1 holds Sam. */
async function rootFullAndOneShard() {
	const chat = await createChat();
	const open = async (name: string) => TestSocket.open(chat.id, (await joinToken(chat, name)).token);
	return { chat, open, alice: await open("alice"), anna: await open("anna"), sam: await open("sam") };
}

describe("a retry's answer on a shard", () => {
	it("never reaches its sender ahead of the messages before it", async () => {
		const { alice, anna, sam } = await rootFullAndOneShard();

		alice.send({ type: "send", text: "one", clientId: "a1" });
		await sam.until(() => seqsOf(sam).includes(1), "the first batch at the shard");
		// The next batch waits out the interval: seq 2 is stored and seen at the root, not yet at the shard.
		alice.send({ type: "send", text: "two", clientId: "a2" });
		await alice.until(() => seqsOf(alice).includes(2), "seq 2 at the root");
		// Sam sends and, hasty, sends again: the root knows the retry as seq 3 before the shard has 2.
		sam.send({ type: "send", text: "three", clientId: "s1" });
		sam.send({ type: "send", text: "three", clientId: "s1" });
		await sam.until(() => seqsOf(sam).includes(2) && seqsOf(sam).includes(3), "seqs 2 and 3 at the shard");

		const seen = seqsOf(sam);
		// In order, as every socket must see the chat; the retry may be answered with its original again.
		expect(seen.filter((seq, index) => seq !== seen[index - 1])).toEqual([1, 2, 3]);
		expect(sam.of("error")).toEqual([]);
		for (const socket of [alice, anna, sam]) socket.close();
	});
});

describe("a shard that restarted with its sockets held", () => {
	it("owes them every message up to what it learns when it attaches again", async () => {
		const { chat, open, alice, anna, sam } = await rootFullAndOneShard();
		// Evicted, as the platform may: Sam's socket is hibernated, not closed.
		await evictDurableObject(shardObject(env, chat.id, 1));

		alice.send({ type: "send", text: "one", clientId: "a1" });
		await sam.until(() => seqsOf(sam).includes(1), "seq 1 through the woken shard");
		alice.send({ type: "send", text: "two", clientId: "a2" });
		await alice.until(() => seqsOf(alice).includes(2), "seq 2 at the root");
		// A join while seq 2's batch waits out the interval: the new instance attaches and learns of
		// seq 2 from the root's welcome, before the batch that carries it arrives.
		const sid = await open("sid");
		await sam.until(() => seqsOf(sam).includes(2), "seq 2 at the socket held through the restart");
		expect(seqsOf(sam)).toEqual([1, 2]);
		expect(sid.of("ready")[0]?.lastSeq).toBe(2);
		for (const socket of [alice, anna, sam, sid]) socket.close();
	});
});
