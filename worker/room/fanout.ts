import type { FanoutBatch, FanoutEvent } from "./fanout-batch";

/** What the root needs of a shard: the one method batches arrive by. */
export interface ShardEndpoint {
	deliver(batch: FanoutBatch): Promise<void>;
}

/** Retries of one batch to one shard; after the last, the shard's next batch carries the gap. */
const retryDelaysMs = [50, 250, 1000];

/**
 * The root's side of the fan-out to its shards. Events of one turn of the root's thread are
 * collected and sent as one batch per shard, all shards at once: a shard costs the root one call
 * per flush, whatever the number of sockets it holds. Nothing here is needed by a chat that never
 * spread: with no shards, `push` keeps nothing.
 */
export class Fanout {
	private pending: FanoutEvent[] = [];
	private pendingAfter = 0;
	private scheduled = false;
	/** Stubs by shard, kept so that calls to one shard stay in order; rebuilt after a failure. */
	private readonly endpoints = new Map<number, ShardEndpoint>();

	constructor(
		private readonly shards: () => number[],
		private readonly connect: (idx: number) => ShardEndpoint,
		private readonly lastSeq: () => number,
	) {}

	/** Queues an event; `seqBefore` is the chat's last seq before it (for a message, its seq - 1). */
	push(event: FanoutEvent, seqBefore = this.lastSeq()): void {
		if (this.shards().length === 0) return;
		if (this.pending.length === 0) this.pendingAfter = seqBefore;
		this.pending.push(event);
		if (!this.scheduled) {
			this.scheduled = true;
			// A microtask ends with this turn: whatever the handler produced goes out together, and
			// nothing waits on a timer (an idle root must be free to hibernate).
			queueMicrotask(() => this.flush());
		}
	}

	flush(): void {
		this.scheduled = false;
		if (this.pending.length === 0) return;
		const batch: FanoutBatch = { after: this.pendingAfter, through: this.lastSeq(), events: this.pending };
		this.pending = [];
		for (const idx of this.shards()) this.send(idx, batch, 0);
	}

	private send(idx: number, batch: FanoutBatch, attempt: number): void {
		this.endpoint(idx)
			.deliver(batch)
			.catch((error: unknown) => {
				this.endpoints.delete(idx);
				const delay = retryDelaysMs[attempt];
				if (delay === undefined) {
					console.error(`fan-out to shard ${idx} failed`, error);
					return;
				}
				setTimeout(() => {
					if (this.shards().includes(idx)) this.send(idx, batch, attempt + 1);
				}, delay);
			});
	}

	private endpoint(idx: number): ShardEndpoint {
		let endpoint = this.endpoints.get(idx);
		if (!endpoint) {
			endpoint = this.connect(idx);
			this.endpoints.set(idx, endpoint);
		}
		return endpoint;
	}
}
