import type { ChatMessage } from "../protocol";
import type { FanoutBatch, FanoutEvent } from "./fanout-batch";

/** Reads the messages above `after` up to `upto` from the root, ascending (maybe fewer). */
export type FetchRange = (after: number, upto: number) => Promise<ChatMessage[]>;

/**
 * A shard's side of the fan-out: batches are applied one at a time, in the order they arrive,
 * and each is checked against the last seq this shard delivered, so its sockets see every message
 * once and in order whatever the transport did (a lost call, a retry, a restarted root).
 * Work that must see a settled seq (admitting a socket) runs in the same line.
 */
export class FanoutInbox {
	private line: Promise<void> = Promise.resolve();

	constructor(
		private delivered: number,
		private readonly fetchRange: FetchRange,
		private readonly emit: (events: FanoutEvent[]) => void,
		private readonly saveDelivered: (seq: number) => void,
	) {}

	/** The last seq this shard's sockets were sent. */
	get lastSeq(): number {
		return this.delivered;
	}

	/** Runs `task` after everything queued before it; its failure does not stop the line. */
	run<T>(task: () => Promise<T> | T): Promise<T> {
		const result = this.line.then(task);
		this.line = result.then(
			() => undefined,
			() => undefined,
		);
		return result;
	}

	accept(batch: FanoutBatch): Promise<void> {
		return this.run(() => this.apply(batch));
	}

	/** Moves the delivered mark forward (never back), skipping what is between: only for a shard with no sockets. */
	advanceTo(seq: number): void {
		if (seq > this.delivered) this.setDelivered(seq);
	}

	/**
	 * Delivers every message after the delivered mark up to `upto`, read from the root: what a
	 * batch that finds this shard behind needs first, and what a shard that attached again with
	 * sockets still held (hibernated through an eviction) owes them. Call it from a task in the line.
	 */
	async catchUp(upto: number): Promise<void> {
		while (upto > this.delivered) {
			const missing = await this.fetchRange(this.delivered, upto);
			const fresh = missing.filter((message) => message.seq > this.delivered);
			if (fresh.length === 0) {
				// Not stored and no longer held by the root (a chat without history): nothing to fill.
				this.setDelivered(upto);
				break;
			}
			this.emit(fresh.map((message) => ({ kind: "message", message })));
			this.setDelivered(fresh.at(-1)?.seq ?? upto);
		}
	}

	private async apply(batch: FanoutBatch): Promise<void> {
		await this.catchUp(batch.after);
		const events = batch.events.filter(
			(event) => event.kind !== "message" || event.message.seq > this.delivered,
		);
		if (batch.through > this.delivered) this.setDelivered(batch.through);
		if (events.length > 0) this.emit(events);
	}

	private setDelivered(seq: number): void {
		this.delivered = seq;
		this.saveDelivered(seq);
	}
}
