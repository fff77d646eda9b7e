import type { ReplaySummary } from "../protocol";
import { logEvent } from "./log";
import type { MetricName, Metrics } from "./metrics";

/** Which chat and which of its objects an event happened in. */
export interface RoomPlace {
	chatId: string | undefined;
	/** 0 for the root, n >= 1 for a shard. */
	shard: number;
}

/**
 * The notable events of a chat's object, told once: the Durable Object classes call one method
 * per event, and this decides what it is logged as and what it counts. Every field is an id, a
 * code or a count. Events that happen per join or per message are counted, not logged.
 */
export class RoomEvents {
	constructor(
		private readonly place: () => RoomPlace,
		private readonly metrics: Metrics,
	) {}

	/** The object was constructed with state to load: it woke from hibernation or was restarted. */
	woke(wakes?: number): void {
		logEvent("room.woke", { ...this.where(), ...(wakes !== undefined && { wakes }) });
		this.count("wake", this.kind());
	}

	/** The sequencer stored (or, in a chat without history, relayed) a new message. */
	stored(history: boolean): void {
		this.count("message_stored", history ? "stored" : "relayed");
	}

	/** `messages` messages went to `sockets` sockets each. */
	delivered(messages: number, sockets: number): void {
		if (messages > 0 && sockets > 0) this.count("delivery", this.kind(), messages * sockets);
	}

	rateLimited(): void {
		this.count("rate_limited", "");
	}

	/** An `error` frame answered a socket's frame. */
	frameRefused(code: string): void {
		this.count("refusal", code);
	}

	/**
	 * The chat's connections over every object, counted by the root when someone joins: peaks are
	 * what dashboards need. Leaving writes nothing, so a closing socket costs no data point (and the
	 * Worker test pool, which stalled on lines written while it shut down, sees none then).
	 */
	roomSize(connections: number): void {
		this.count("room_size", "", 1, connections);
	}

	admitted(sockets: number, replay: ReplaySummary | null): void {
		this.count("join", this.kind(), 1, sockets);
		// A capped replay: the client must page the rest of its gap over HTTP.
		if (replay && replay.replayed < replay.missed) {
			logEvent("replay.gap", { ...this.where(), missed: replay.missed, replayed: replay.replayed }, "warn");
			this.count("replay_gap", "replay", 1, replay.missed - replay.replayed);
		}
	}

	/** This object admitted a token request (its detail says whether the root or a shard did). */
	tokenAdmitted(): void {
		this.count("token", this.kind());
	}

	/** An upgrade the object did not take: `code` is an ErrorCode, or `full` when it sent it on. */
	refused(code: string, status: number): void {
		logEvent("socket.refused", { ...this.where(), code, status }, code === "full" ? "info" : "warn");
		if (code !== "full") this.count("refusal", code);
	}

	shardAttached(shard: number, sockets: number): void {
		logEvent("shard.attached", { chatId: this.place().chatId, shard, sockets });
	}

	/** A shard found seqs missing between batches and read them from the root. */
	fanoutGap(after: number, upto: number): void {
		logEvent("fanout.gap", { ...this.where(), seq: after, missed: upto - after }, "warn");
		this.count("replay_gap", "fanout", 1, upto - after);
	}

	/** Retention deleted messages up to `throughSeq`. */
	trimmed(throughSeq: number): void {
		logEvent("retention.trimmed", { ...this.where(), seq: throughSeq });
	}

	private kind(): "root" | "shard" {
		return this.place().shard === 0 ? "root" : "shard";
	}

	private count(metric: MetricName, detail: string, value = 1, size?: number): void {
		this.metrics.record({
			metric,
			chatId: this.place().chatId,
			detail,
			value,
			...(size !== undefined && { size }),
		});
	}

	private where(): { chatId?: string; shard: number } {
		const { chatId, shard } = this.place();
		return chatId === undefined ? { shard } : { chatId, shard };
	}
}
