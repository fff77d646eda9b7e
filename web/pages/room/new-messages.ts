import { h } from "../dom.ts";

/**
 * The "New messages" button of a reader scrolled up in the history: it counts what arrived
 * below and jumps to the first of it. At the bottom there is nothing to count, the list simply
 * follows.
 */
export class NewMessagesButton {
	readonly element: HTMLButtonElement;
	readonly #count: HTMLSpanElement;
	#unread = 0;

	constructor(onJump: () => void) {
		this.#count = h("span", { class: "unread-count" }, "0");
		this.element = h(
			"button",
			{ type: "button", class: "new-messages", hidden: true },
			"New messages ",
			this.#count,
		);
		this.element.addEventListener("click", () => {
			onJump();
			this.clear();
		});
	}

	get unread(): number {
		return this.#unread;
	}

	/** Returns true for the first unread message (the one the divider marks). */
	arrived(): boolean {
		this.#unread += 1;
		this.#count.textContent = String(this.#unread);
		this.element.hidden = false;
		return this.#unread === 1;
	}

	/** The reader is at the bottom again. */
	clear(): void {
		if (this.#unread === 0) return;
		this.#unread = 0;
		this.element.hidden = true;
	}
}
