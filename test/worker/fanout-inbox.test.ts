import { describe, expect, it } from "vitest";
import type { FanoutEvent } from "../../worker/fanout/fanout-batch";
import { FanoutInbox } from "../../worker/fanout/fanout-inbox";
import type { ChatMessage } from "../../worker/protocol";
import { createChat, joinToken, postMessage, roomStub } from "./helpers";

/** A shard's inbox reading gaps from a real chat root, and what it would send its sockets. */
async function inboxOfChat(messages: number, history = true) {
	const chat = await createChat({ history });
	const { token } = await joinToken(chat);
	const stored: ChatMessage[] = [];
	for (let n = 1; n <= messages; n++) stored.push((await postMessage(chat.id, token, `m${n}`)).body.message);
	const emitted: FanoutEvent[] = [];
	const saved: number[] = [];
	const inbox = new FanoutInbox(
		0,
		(after, upto) => roomStub(chat.id).rangeForShard(after, upto),
		(events) => emitted.push(...events),
		(seq) => saved.push(seq),
	);
	const seqs = () => emitted.flatMap((event) => (event.kind === "message" ? [event.message.seq] : []));
	const message = (seq: number): FanoutEvent => {
		const found = stored[seq - 1];
		if (!found) throw new Error(`no message ${seq}`);
		return { kind: "message", message: found };
	};
	return { inbox, emitted, saved, seqs, message };
}

describe("a shard's fan-out inbox", () => {
	it("fills a gap from the root's log before anything newer", async () => {
		const { inbox, seqs, message, saved } = await inboxOfChat(6);
		await inbox.accept({ after: 5, through: 6, events: [message(6)] });
		expect(seqs()).toEqual([1, 2, 3, 4, 5, 6]);
		expect(inbox.lastSeq).toBe(6);
		expect(saved.at(-1)).toBe(6);
	});

	it("drops what it already delivered, from a late or repeated batch", async () => {
		const { inbox, seqs, message } = await inboxOfChat(3);
		await inbox.accept({ after: 0, through: 3, events: [message(1), message(2), message(3)] });
		await inbox.accept({ after: 1, through: 2, events: [message(2)] });
		await inbox.accept({ after: 0, through: 3, events: [message(1), message(2), message(3)] });
		expect(seqs()).toEqual([1, 2, 3]);
	});

	it("keeps the order when batches arrive the wrong way round", async () => {
		const { inbox, seqs, message } = await inboxOfChat(4);
		const later = inbox.accept({ after: 2, through: 4, events: [message(3), message(4)] });
		const earlier = inbox.accept({ after: 0, through: 2, events: [message(1), message(2)] });
		await Promise.all([later, earlier]);
		expect(seqs()).toEqual([1, 2, 3, 4]);
	});

	it("passes on events without a seq, and applies a batch of them only in line", async () => {
		const { inbox, emitted, message } = await inboxOfChat(1);
		const typing: FanoutEvent = { kind: "typing", user: { id: "u1", name: "ada" } };
		await inbox.accept({ after: 0, through: 1, events: [message(1), typing] });
		expect(emitted.map((event) => event.kind)).toEqual(["message", "typing"]);
	});

	it("moves past a gap a chat without history cannot fill, instead of waiting for it", async () => {
		const { inbox, seqs } = await inboxOfChat(0, false);
		await inbox.accept({ after: 7, through: 7, events: [] });
		expect(seqs()).toEqual([]);
		expect(inbox.lastSeq).toBe(7);
	});

	it("runs other work in line with the batches", async () => {
		const { inbox, message } = await inboxOfChat(2);
		const order: string[] = [];
		const batch = inbox.accept({ after: 0, through: 2, events: [message(1), message(2)] }).then(() => {
			order.push("batch");
		});
		const admitted = inbox.run(() => {
			order.push(`admit at ${inbox.lastSeq}`);
		});
		await Promise.all([batch, admitted]);
		expect(order).toEqual(["batch", "admit at 2"]);
	});
});
