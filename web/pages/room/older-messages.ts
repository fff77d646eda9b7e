import { type ChatClient, type ClientMessage, markMentions } from "../../client/index.ts";
import { h } from "../dom.ts";
import type { MessageList } from "./message-list.ts";

export interface OlderParts {
	client: ChatClient;
	list: MessageList;
	/** The scrolling area around the list (made after the button, which it holds). */
	scroller: () => HTMLElement;
	/** Shows a message already seen in this session that the page had let go (marked as delivered). */
	show: (message: ClientMessage) => void;
	report: (text: string) => void;
}

/**
 * *Load older*: pages back through history, keeping what the reader looks at in place. In a long
 * session it first brings back what the page let go (the client delivers each message once), then
 * asks the client for older pages.
 */
export class OlderMessages {
	readonly button: HTMLButtonElement;
	/** Said instead in a chat that keeps no history. */
	readonly note: HTMLParagraphElement;
	readonly #parts: OlderParts;

	constructor(parts: OlderParts) {
		this.#parts = parts;
		this.button = h("button", { type: "button", class: "secondary load-older", hidden: true }, "Load older");
		this.button.addEventListener("click", () => void this.load(false));
		this.note = h(
			"p",
			{ class: "hint history-note", hidden: true },
			"This chat keeps no history: you see what is said while you are here.",
		);
	}

	/** `initial`: the first page on joining, after which the list shows its newest messages. */
	async load(initial: boolean): Promise<void> {
		const { client, list } = this.#parts;
		const scroller = this.#parts.scroller();
		this.button.setAttribute("aria-busy", "true");
		const heightBefore = scroller.scrollHeight;
		let more = false;
		try {
			if (list.trimmed) more = await this.#reloadTrimmed();
			else {
				await client.loadOlder();
				more = client.hasOlder;
			}
		} catch (error) {
			this.#parts.report(
				`Could not load older messages: ${error instanceof Error ? error.message : String(error)}`,
			);
			more = true;
		}
		this.button.removeAttribute("aria-busy");
		this.button.hidden = !more;
		// Older messages go above what the reader is looking at: keep it in place.
		if (initial) scroller.scrollTop = scroller.scrollHeight;
		else scroller.scrollTop += scroller.scrollHeight - heightBefore;
	}

	/** Pages back over messages this session already had, which the client will not deliver twice. */
	async #reloadTrimmed(): Promise<boolean> {
		const { client, list } = this.#parts;
		const before = list.oldestShownSeq ?? 1;
		const page = await client.api.history(client.chatId, { before, limit: 50 }, client.token?.token);
		const me = client.user?.id;
		for (const message of page.messages) this.#parts.show(markMentions(message, me));
		return list.trimmed || client.hasOlder;
	}
}
