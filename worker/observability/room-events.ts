import type { ReplaySummary } from "../protocol";
import { logEvent } from "./log";

/** Which chat and which of its objects an event happened in. */
export interface RoomPlace {
	chatId: string | undefined;
	/** 0 for the root, n >= 1 for a shard. */
	shard: number;
}

/**
 * The notable events of a chat's object, told once: the Durable Object classes call one method
 * per event, and this decides what it is logged as. Every field is an id, a code or a count.
 */
export class RoomEvents {
	constructor(private readonly place: () => RoomPlace) {}

	/** The object was constructed with state to load: it woke from hibernation or was restarted. */
	woke(wakes?: number): void {
		logEvent("room.woke", { ...this.where(), ...(wakes !== undefined && { wakes }) });
	}

	admitted(sockets: number, replay: ReplaySummary | null): void {
		logEvent("socket.admitted", {
			...this.where(),
			sockets,
			...(replay && { missed: replay.missed, replayed: replay.replayed }),
		});
		// A capped replay: the client must page the rest of its gap over HTTP.
		if (replay && replay.replayed < replay.missed) {
			logEvent("replay.gap", { ...this.where(), missed: replay.missed, replayed: replay.replayed }, "warn");
		}
	}

	/** An upgrade the object did not take: `code` is an ErrorCode, or `full` when it sent it on. */
	refused(code: string, status: number): void {
		logEvent("socket.refused", { ...this.where(), code, status }, code === "full" ? "info" : "warn");
	}

	shardAttached(shard: number, sockets: number): void {
		logEvent("shard.attached", { chatId: this.place().chatId, shard, sockets });
	}

	/** A shard found seqs missing between batches and read them from the root. */
	fanoutGap(after: number, upto: number): void {
		logEvent("fanout.gap", { ...this.where(), seq: after, missed: upto - after }, "warn");
	}

	/** Retention deleted messages up to `throughSeq`. */
	trimmed(throughSeq: number): void {
		logEvent("retention.trimmed", { ...this.where(), seq: throughSeq });
	}

	private where(): { chatId?: string; shard: number } {
		const { chatId, shard } = this.place();
		return chatId === undefined ? { shard } : { chatId, shard };
	}
}
