import type { Uploads } from "../files/uploads";
import type { MessageLog } from "./message-log";
import type { Reactions } from "./reactions";
import type { SearchIndex } from "./search-index";

/**
 * The log's retention: it keeps the newest `keep` messages, and trims older ones a bounded batch
 * at a time, with what is kept beside them (reactions, the search index; their files fall due for deletion).
 */
export class Retention {
	/** Highest seq retention has already dealt with in this instance's lifetime. */
	private trimmedThrough = 0;

	constructor(
		private readonly keep: number,
		private readonly log: MessageLog,
		private readonly reactions: Reactions,
		private readonly index: SearchIndex,
		private readonly uploads: Uploads,
	) {}

	/** True when the log (whose newest seq is `lastSeq`) has outgrown retention by enough to be worth a pass. */
	due(lastSeq: number): boolean {
		const slack = Math.max(1, Math.floor(this.keep / 100));
		return lastSeq - this.keep > this.trimmedThrough + slack;
	}

	/** One bounded trimming pass; returns true while more remains, so the caller can come back. */
	trim(lastSeq: number, batch: number): boolean {
		const oldest = this.log.oldestSeq();
		const more = this.log.trim(this.keep, batch);
		const trimmedThrough = this.log.oldestSeq() - 1;
		this.index.removeRange(oldest, trimmedThrough);
		this.reactions.trimThrough(trimmedThrough);
		this.uploads.releaseBelow(trimmedThrough + 1, Date.now());
		if (!more) this.trimmedThrough = lastSeq - this.keep;
		return more;
	}
}
