import type { ChatCopy } from "./chat-copy";
import type { RootLink } from "./root-link";

/** How long users let in here wait to be reported to the root, and how many go at once at most. */
const notedReportMs = 100;
const notedBatchMax = 200;

/**
 * Users let in here reach the root's list of known users several at a time: a join storm
 * costs the root one call per interval, not one per token.
 */
export class NotedReport {
	private timer: ReturnType<typeof setTimeout> | null = null;

	constructor(
		private readonly copy: ChatCopy,
		private readonly link: RootLink,
	) {}

	/** The door noted a user; `pending` are waiting now. */
	schedule(pending: number): void {
		if (pending >= notedBatchMax) this.report();
		else this.timer ??= setTimeout(() => this.report(), notedReportMs);
	}

	private report(): void {
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = null;
		const noted = this.copy.door.takeNoted();
		// A deleted chat has no one to tell.
		if (noted.length === 0 || this.copy.identity === null) return;
		this.link
			.call((root) => root.noteUsers(noted))
			.catch((error: unknown) => {
				console.error("reporting noted users failed", error);
				this.copy.door.restore(noted);
			});
	}
}
