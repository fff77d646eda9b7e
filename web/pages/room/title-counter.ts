/**
 * Counts messages that arrive while the tab is hidden in the document title ("(3) Team
 * standup"), so they show on the tab strip, with those that mention the person apart ("(3, @1)":
 * three unread, one of them a mention); cleared as soon as the tab is visible again.
 */
export class TitleCounter {
	#base: string;
	#unseen = 0;
	#mentions = 0;

	constructor(base: string, signal: AbortSignal) {
		this.#base = base;
		document.title = base;
		document.addEventListener(
			"visibilitychange",
			() => {
				if (document.visibilityState === "visible") this.#set(0, 0);
			},
			{ signal },
		);
		signal.addEventListener("abort", () => {
			document.title = base;
		});
	}

	/** The chat was renamed. */
	rename(base: string): void {
		this.#base = base;
		this.#set(this.#unseen, this.#mentions);
	}

	/** A message from someone else arrived; `mentionsMe`: it mentions this person. */
	arrived(mentionsMe = false): void {
		if (document.visibilityState === "hidden")
			this.#set(this.#unseen + 1, this.#mentions + (mentionsMe ? 1 : 0));
	}

	#set(unseen: number, mentions: number): void {
		this.#unseen = unseen;
		this.#mentions = mentions;
		const count = mentions > 0 ? `(${unseen}, @${mentions})` : `(${unseen})`;
		document.title = unseen > 0 ? `${count} ${this.#base}` : this.#base;
	}
}
