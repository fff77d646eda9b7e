import type { ChatMessage } from "../../../worker/protocol/index.ts";
import { h } from "../dom.ts";
import type { MessageList } from "./message-list.ts";

/** Messages shown on each side of the one in context. */
export const contextSide = 25;

export interface ContextParts {
	/** The message `seq` and its neighbours, oldest first (ChatClient.messagesAround). */
	around: (seq: number) => Promise<ChatMessage[]>;
	/** The live conversation: its list, and the element holding it (hidden while in context). */
	liveList: MessageList;
	live: HTMLElement;
	/** A new, empty list drawn as the live one is (names, controls, quotes). */
	newList: () => MessageList;
	own: (message: ChatMessage) => boolean;
	/** Back in the live conversation: show its newest messages. */
	left: () => void;
	/** The messages could not be loaded. */
	report: (what: string, error: unknown) => void;
}

/**
 * A message in its context: the live list steps aside for the messages around it, the chosen
 * one marked and scrolled into view, under a bar with *Back to live*. The live list stays on the
 * page meanwhile (hidden) and keeps receiving, so nothing that arrives is lost. Search results,
 * reply quotes and notifications open messages through `show` or `reveal`.
 */
export class ContextView {
	/** Goes beside the live conversation, in the same scrolling area. */
	readonly element: HTMLElement;
	readonly #parts: ContextParts;
	readonly #status: HTMLParagraphElement;
	readonly #holder: HTMLDivElement;
	#list: MessageList | null = null;
	#request = 0;

	constructor(parts: ContextParts) {
		this.#parts = parts;
		this.#status = h("p", { class: "hint", role: "status" });
		const back = h("button", { type: "button", class: "small" }, "Back to live");
		back.addEventListener("click", () => this.back());
		this.#holder = h("div", { class: "context-messages" });
		this.element = h(
			"div",
			{ class: "context-view", hidden: true },
			h("div", { class: "context-bar" }, this.#status, back),
			this.#holder,
		);
	}

	/** Whether a message is being shown in context (the live list is hidden). */
	get active(): boolean {
		return !this.element.hidden;
	}

	/** The list the person sees: the context's while it is shown, the live one otherwise. */
	get shown(): MessageList {
		return (this.active && this.#list) || this.#parts.liveList;
	}

	/** Marks the message `seq` where it is shown already; otherwise shows it in its context. */
	async reveal(seq: number): Promise<void> {
		const item = itemOf(this.shown, seq);
		if (item) markMessage(item);
		else await this.show(seq);
	}

	/** Shows the message `seq` among the messages around it, marked and scrolled into view. */
	async show(seq: number): Promise<void> {
		const request = ++this.#request;
		this.#enter();
		this.#status.textContent = "Loading the message…";
		let messages: ChatMessage[];
		try {
			messages = await this.#parts.around(seq);
		} catch (error) {
			if (request !== this.#request) return;
			this.#parts.report("show that message", error);
			if (this.#list) this.#status.textContent = "";
			else this.back();
			return;
		}
		// Another message was chosen meanwhile, or the person went back to live.
		if (request !== this.#request || !this.active) return;
		const list = this.#parts.newList();
		for (const message of messages) list.add(message, this.#parts.own(message));
		this.#list = list;
		this.#holder.replaceChildren(list.element);
		const item = itemOf(list, seq);
		this.#status.textContent = item
			? "A message in its context."
			: "That message is no longer in the history.";
		if (item) markMessage(item);
	}

	/** Back to the live conversation, with whatever arrived meanwhile. */
	back(): void {
		this.#request += 1;
		if (!this.active) return;
		this.element.hidden = true;
		this.#parts.live.hidden = false;
		this.#list = null;
		this.#holder.replaceChildren();
		this.#parts.left();
	}

	#enter(): void {
		if (this.active) return;
		this.#parts.live.hidden = true;
		this.element.hidden = false;
	}
}

function itemOf(list: MessageList, seq: number): HTMLLIElement | null {
	return list.element.querySelector<HTMLLIElement>(`li[data-seq="${seq}"]`);
}

/**
 * Marks one message (the one chosen, or the original a reply quotes) and brings it into view;
 * it takes the focus, so a screen reader reads it and the keyboard continues from it.
 */
export function markMessage(item: HTMLLIElement): void {
	for (const marked of document.querySelectorAll(".message.marked")) marked.classList.remove("marked");
	item.classList.add("marked");
	item.tabIndex = -1;
	item.focus({ preventScroll: true });
	item.scrollIntoView({ block: "center" });
}
