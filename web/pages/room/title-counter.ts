/**
 * Counts messages that arrive while the tab is hidden in the document title ("(3) Team
 * standup"), so they show on the tab strip; cleared as soon as the tab is visible again.
 */
export class TitleCounter {
	#base: string;
	#unseen = 0;

	constructor(base: string, signal: AbortSignal) {
		this.#base = base;
		document.title = base;
		document.addEventListener(
			"visibilitychange",
			() => {
				if (document.visibilityState === "visible") this.#set(0);
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
		this.#set(this.#unseen);
	}

	/** A message from someone else arrived. */
	arrived(): void {
		if (document.visibilityState === "hidden") this.#set(this.#unseen + 1);
	}

	#set(unseen: number): void {
		this.#unseen = unseen;
		document.title = unseen > 0 ? `(${unseen}) ${this.#base}` : this.#base;
	}
}
