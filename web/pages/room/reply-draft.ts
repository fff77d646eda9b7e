import type { ChatMessage } from "../../../worker/protocol/index.ts";
import { h } from "../dom.ts";
import { type NameBook, personName } from "../names.ts";

/** How much of the message answered the composer shows (the server's quote keeps as much). */
const quoteLength = 120;

/**
 * What the next message answers, shown above the composer: "Replying to Ada: …" with a button
 * (and Escape) to cancel. Empty and hidden when the message answers nothing.
 */
export class ReplyDraft {
	readonly element: HTMLDivElement;
	readonly #line: HTMLParagraphElement;
	readonly #names: NameBook;
	#replyTo: number | undefined;

	constructor(names: NameBook, cancelled: () => void) {
		this.#names = names;
		this.#line = h("p", { class: "reply-line" });
		const cancel = h("button", { type: "button", class: "secondary small" }, "Cancel reply");
		cancel.addEventListener("click", () => {
			this.cancel();
			cancelled();
		});
		this.element = h("div", { class: "reply-draft", hidden: true }, this.#line, cancel);
	}

	/** The seq the next message answers, if any. */
	get replyTo(): number | undefined {
		return this.#replyTo;
	}

	start(message: ChatMessage): void {
		this.#replyTo = message.seq;
		const quote = [...message.text].slice(0, quoteLength).join("");
		this.#line.replaceChildren(
			"Replying to ",
			personName(message.user, this.#names, "person reply-author"),
			": ",
			h("span", { class: "reply-text" }, quote),
		);
		this.element.hidden = false;
	}

	/** Answers nothing any more; false if it answered nothing already. */
	cancel(): boolean {
		if (this.#replyTo === undefined) return false;
		this.#replyTo = undefined;
		this.#line.replaceChildren();
		this.element.hidden = true;
		return true;
	}
}
