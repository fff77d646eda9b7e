import type { ChatMessage, UserRef } from "../../../worker/protocol/index.ts";
import type { PendingSend } from "../../client/index.ts";
import { paintUser } from "../colour.ts";
import { h } from "../dom.ts";
import { linkify } from "../linkify.ts";

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export interface MessageListOptions {
	/** Whether this user may delete messages (owners). */
	canDelete: () => boolean;
	onDelete: (seq: number) => void;
	/** Adds per-message controls (edit, react, moderation) and shows edits and reactions. */
	decorate?: (item: HTMLLIElement, message: ChatMessage) => void;
}

/**
 * The conversation: a `log` region (new entries are announced politely), settled messages in seq
 * order followed by the user's pending ones. Each message is rendered once, keyed by seq, so a
 * repeat can never show twice.
 */
export class MessageList {
	readonly element: HTMLOListElement;
	readonly #bySeq = new Map<number, HTMLLIElement>();
	readonly #pending = new Map<string, HTMLLIElement>();
	readonly #messages = new Map<number, ChatMessage>();
	readonly #options: MessageListOptions;

	constructor(options: MessageListOptions) {
		this.#options = options;
		this.element = h("ol", {
			class: "messages",
			role: "log",
			"aria-live": "polite",
			"aria-label": "Messages",
		});
	}

	/** Adds a settled message; an own message replaces its pending entry (same clientId). */
	add(message: ChatMessage, own: boolean): void {
		if (this.#bySeq.has(message.seq)) return;
		const item = this.#render(message, own);
		this.#bySeq.set(message.seq, item);
		this.#messages.set(message.seq, message);
		if (!message.deleted) this.#options.decorate?.(item, message);
		if (own && message.clientId !== undefined) {
			this.#pending.get(message.clientId)?.remove();
			this.#pending.delete(message.clientId);
		}
		this.#insertInOrder(item, message.seq);
	}

	/** Shows what the user just sent, before the server has echoed it. */
	addPending(pending: PendingSend, author: UserRef): void {
		const item = this.#item(author, pending.createdAt, pending.text, true);
		item.classList.add("pending");
		item.dataset.clientId = pending.clientId;
		item.querySelector(".meta")?.append(h("span", { class: "note" }, "Sending…"));
		this.#pending.set(pending.clientId, item);
		this.element.append(item);
	}

	/** The server refused a pending message for good: say so where it was typed. */
	markRejected(clientId: string, reason: string): void {
		const item = this.#pending.get(clientId);
		if (!item) return;
		item.classList.replace("pending", "rejected");
		const note = item.querySelector(".note");
		if (note) note.textContent = `Not sent: ${reason}`;
	}

	/** The latest state of a message (an edit, new reactions, a deletion), wherever it is shown. */
	update(message: ChatMessage): void {
		const item = this.#bySeq.get(message.seq);
		if (!item) return;
		this.#messages.set(message.seq, message);
		if (message.deleted) {
			this.markDeleted(message.seq);
			return;
		}
		item.querySelector(".text")?.replaceChildren(...linkify(message.text));
		this.#options.decorate?.(item, message);
	}

	message(seq: number): ChatMessage | undefined {
		return this.#messages.get(seq);
	}

	/** The newest settled message of this user, for the Up arrow. */
	lastOf(userId: string): ChatMessage | undefined {
		let last: ChatMessage | undefined;
		for (const message of this.#messages.values()) {
			if (message.user.id === userId && !message.deleted && (!last || message.seq > last.seq)) last = message;
		}
		return last;
	}

	/** Runs the decorations again (the user's role became known or changed). */
	redecorate(): void {
		for (const [seq, item] of this.#bySeq) {
			const message = this.#messages.get(seq);
			if (message && !message.deleted) this.#options.decorate?.(item, message);
		}
	}

	markDeleted(seq: number): void {
		const held = this.#messages.get(seq);
		if (held) this.#messages.set(seq, { ...held, text: "", deleted: true });
		const item = this.#bySeq.get(seq);
		if (!item || item.classList.contains("deleted")) return;
		item.classList.add("deleted");
		item.querySelector(".delete")?.remove();
		for (const extra of item.querySelectorAll(".message-actions, .reactions, .edited, .person-menu"))
			extra.remove();
		const text = item.querySelector(".text");
		if (text) text.replaceChildren("Message deleted");
	}

	/** Shows or hides the Delete buttons when the user's role becomes known. */
	refreshDeleteButtons(): void {
		for (const [seq, item] of this.#bySeq) {
			const button = item.querySelector(".delete");
			if (this.#options.canDelete() && !button && !item.classList.contains("deleted")) {
				item.querySelector(".meta")?.append(this.#deleteButton(seq));
			} else if (!this.#options.canDelete()) {
				button?.remove();
			}
		}
	}

	get size(): number {
		return this.#bySeq.size;
	}

	#render(message: ChatMessage, own: boolean): HTMLLIElement {
		const item = this.#item(message.user, message.ts, message.text, own);
		item.dataset.seq = String(message.seq);
		if (message.deleted) {
			item.classList.add("deleted");
			item.querySelector(".text")?.replaceChildren("Message deleted");
		} else if (this.#options.canDelete()) {
			item.querySelector(".meta")?.append(this.#deleteButton(message.seq));
		}
		return item;
	}

	#item(author: UserRef, ts: number, text: string, own: boolean): HTMLLIElement {
		const when = new Date(ts);
		const name = h("span", { class: "author" }, author.name);
		paintUser(name, author.id);
		const time = h(
			"time",
			{ datetime: when.toISOString(), title: dayTimeFormat.format(when) },
			timeFormat.format(when),
		);
		const body = h("p", { class: "text" }, ...linkify(text));
		return h("li", { class: own ? "message own" : "message" }, h("div", { class: "meta" }, name, time), body);
	}

	#deleteButton(seq: number): HTMLButtonElement {
		const button = h("button", { type: "button", class: "delete link-button" }, "Delete");
		button.addEventListener("click", () => this.#options.onDelete(seq));
		return button;
	}

	/** Settled messages stay in seq order whatever order they arrive in (live, replay, older pages). */
	#insertInOrder(item: HTMLLIElement, seq: number): void {
		let before: Element | null = null;
		for (let node = this.element.lastElementChild; node; node = node.previousElementSibling) {
			const nodeSeq = node instanceof HTMLElement ? Number(node.dataset.seq) : Number.NaN;
			if (Number.isNaN(nodeSeq) || nodeSeq > seq) {
				before = node;
				continue;
			}
			break;
		}
		this.element.insertBefore(item, before);
	}
}
