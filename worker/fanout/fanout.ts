import type { FanoutBatch, FanoutEvent } from "./fanout-batch";
import type { FanoutPlan } from "./fanout-plan";

/** What the root needs of a shard: the one method batches arrive by. */
export interface ShardEndpoint {
	/** Applies `batch` to the shard's sockets and passes it on to the shards in `relayTo`. */
	deliver(batch: FanoutBatch, relayTo: number[]): Promise<void>;
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
	private lastFlushAt = 0;
	private readonly endpoints: Endpoints;

	constructor(
		private readonly shards: () => number[],
		connect: (idx: number) => ShardEndpoint,
		private readonly lastSeq: () => number,
		/** Who gets each batch from the root, and who passes it on (fanout-plan.ts). */
		private readonly plan: (shards: number[]) => FanoutPlan,
		/**
		 * With a positive value, batches are at least this far apart while events keep coming: under
		 * load a batch then carries every event of its interval, so a busy chat costs each shard one
		 * call per interval rather than one per message, and shards see changes that much later.
		 * The first event after a quiet spell still goes out at the end of its own turn.
		 */
		private readonly batchIntervalMs = 0,
	) {
		this.endpoints = new Endpoints(connect);
	}

	/** Queues an event; `seqBefore` is the chat's last seq before it (for a message, its seq - 1). */
	push(event: FanoutEvent, seqBefore = this.lastSeq()): void {
		if (this.shards().length === 0) return;
		if (this.pending.length === 0) this.pendingAfter = seqBefore;
		this.pending.push(event);
		if (this.scheduled) return;
		this.scheduled = true;
		const wait = this.lastFlushAt + this.batchIntervalMs - Date.now();
		// After a quiet spell a microtask ends with this turn: whatever the handler produced goes
		// out together, and no timer is left armed (an idle root must be free to hibernate).
		if (wait <= 0) queueMicrotask(() => void this.flush());
		else setTimeout(() => void this.flush(), wait);
	}

	/**
	 * Sends what is pending now. Settles once every shard (and every shard its relays pass the
	 * batch to) has applied it or been given up on: a change that must count at once everywhere
	 * (a rotated key, a ban) waits for that before it is answered.
	 */
	async flush(): Promise<void> {
		this.scheduled = false;
		if (this.pending.length === 0) return;
		this.lastFlushAt = Date.now();
		const batch: FanoutBatch = { after: this.pendingAfter, through: this.lastSeq(), events: this.pending };
		this.pending = [];
		const sends = [...this.plan(this.shards())].map(([idx, relayTo]) =>
			this.endpoints.send(idx, batch, relayTo, () => this.shards().includes(idx)),
		);
		await Promise.all(sends);
	}
}

/**
 * Stubs by shard, kept so that calls to one shard stay in order, and rebuilt after a failure (a
 * stub of an object that restarted stays broken). Used by the root and by relaying shards.
 */
export class Endpoints {
	private readonly stubs = new Map<number, ShardEndpoint>();

	constructor(private readonly connect: (idx: number) => ShardEndpoint) {}

	/** Delivers with retries; `stillWanted` is asked before each retry. Settles once done or given up. */
	send(idx: number, batch: FanoutBatch, relayTo: number[], stillWanted: () => boolean): Promise<boolean> {
		return this.attempt(idx, batch, relayTo, stillWanted, 0);
	}

	private async attempt(
		idx: number,
		batch: FanoutBatch,
		relayTo: number[],
		stillWanted: () => boolean,
		attempt: number,
	): Promise<boolean> {
		try {
			await this.stub(idx).deliver(batch, relayTo);
			return true;
		} catch (error) {
			this.stubs.delete(idx);
			const delay = retryDelaysMs[attempt];
			if (delay === undefined || !stillWanted()) {
				console.error(`fan-out to shard ${idx} failed`, error);
				return false;
			}
			await new Promise((done) => setTimeout(done, delay));
			return this.attempt(idx, batch, relayTo, stillWanted, attempt + 1);
		}
	}

	private stub(idx: number): ShardEndpoint {
		let stub = this.stubs.get(idx);
		if (!stub) {
			stub = this.connect(idx);
			this.stubs.set(idx, stub);
		}
		return stub;
	}
}
