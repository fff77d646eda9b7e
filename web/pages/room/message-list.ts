import type { ChatMessage, UserRef } from "../../../worker/protocol/index.ts";
import type { PendingSend } from "../../client/index.ts";
import { h } from "../dom.ts";
import type { NameBook } from "../names.ts";
import { continuesGroup, dayKey, dayLabel, type GroupingFacts } from "./grouping.ts";
import { messageItem, setDivider } from "./message-item.ts";

/** Settled messages kept on the page; beyond this the oldest leave it (Load older brings them back). */
export const defaultMaxMessages = 1000;

export interface MessageListOptions {
	/** Whether this user may delete messages (owners). */
	canDelete: () => boolean;
	/** The owner pressed Delete on message `seq` (the page confirms before deleting). */
	onDelete: (seq: number, text: string) => void;
	names: NameBook;
	maxMessages?: number;
}

/**
 * The conversation: a `log` region (new entries are announced politely), settled messages in seq
 * order followed by the user's pending ones. Each message is rendered once, keyed by seq, so a
 * repeat can never show twice. Consecutive messages of one author are grouped, and each day
 * starts with a divider; both are recomputed only around an insertion, so long sessions stay cheap.
 */
export class MessageList {
	/** The `log` region; it holds the list (a log is not a list, so the items need one of their own). */
	readonly element: HTMLDivElement;
	readonly #list: HTMLOListElement;
	readonly #bySeq = new Map<number, HTMLLIElement>();
	readonly #pending = new Map<string, HTMLLIElement>();
	readonly #options: MessageListOptions;
	readonly #maxMessages: number;
	#lowestSeen = Number.POSITIVE_INFINITY;
	#firstUnread: HTMLLIElement | null = null;

	constructor(options: MessageListOptions) {
		this.#options = options;
		this.#maxMessages = options.maxMessages ?? defaultMaxMessages;
		this.#list = h("ol", { class: "messages" });
		this.element = h(
			"div",
			{ class: "messages-log", role: "log", "aria-live": "polite", "aria-label": "Messages" },
			this.#list,
		);
	}

	/** Adds a settled message; an own message replaces its pending entry (same clientId). */
	add(message: ChatMessage, own: boolean): HTMLLIElement | null {
		if (this.#bySeq.has(message.seq)) return null;
		const item = messageItem(message.user, message.ts, message.text, own, this.#options.names);
		item.dataset.seq = String(message.seq);
		if (message.deleted) this.#showDeleted(item);
		else if (this.#options.canDelete()) this.#addDeleteButton(item, message.seq, message.text);
		this.#bySeq.set(message.seq, item);
		this.#lowestSeen = Math.min(this.#lowestSeen, message.seq);
		if (own && message.clientId !== undefined) this.#removePending(message.clientId);
		this.#insertInOrder(item, message.seq);
		this.#regroup(item);
		this.#regroup(nextItem(item));
		return item;
	}

	/** Shows what the user just sent, before the server has echoed it. */
	addPending(pending: PendingSend, author: UserRef): void {
		if (this.#pending.has(pending.clientId)) return;
		const item = messageItem(author, pending.createdAt, pending.text, true, this.#options.names);
		item.classList.add("pending");
		item.dataset.clientId = pending.clientId;
		item.querySelector(".meta")?.append(h("span", { class: "note" }, "Sending…"));
		this.#pending.set(pending.clientId, item);
		this.#list.append(item);
		this.#regroup(item);
	}

	/** The server refused a pending message for good: say so where it was typed. */
	markRejected(clientId: string, reason: string): void {
		const item = this.#pending.get(clientId);
		if (!item) return;
		item.classList.replace("pending", "rejected");
		const note = item.querySelector(".note");
		if (note) note.textContent = `Not sent: ${reason}`;
	}

	markDeleted(seq: number): void {
		const item = this.#bySeq.get(seq);
		if (!item || item.classList.contains("deleted")) return;
		this.#showDeleted(item);
	}

	/** Shows or hides the Delete buttons when the user's role becomes known. */
	refreshDeleteButtons(): void {
		for (const [seq, item] of this.#bySeq) {
			const button = item.querySelector(".delete");
			if (this.#options.canDelete() && !button && !item.classList.contains("deleted")) {
				this.#addDeleteButton(item, seq, item.querySelector(".text")?.textContent ?? "");
			} else if (!this.#options.canDelete()) {
				button?.remove();
			}
		}
	}

	/** Marks `item` as the first message the reader has not seen yet (one marker at a time). */
	markFirstUnread(item: HTMLLIElement): void {
		const previous = this.#firstUnread;
		if (previous === item) return;
		this.#firstUnread = item;
		if (previous) {
			previous.classList.remove("first-unread");
			setDivider(previous, "unread", null);
			this.#regroup(previous);
		}
		item.classList.add("first-unread");
		setDivider(item, "unread", "Unread messages");
		this.#regroup(item);
	}

	get firstUnread(): HTMLLIElement | null {
		return this.#firstUnread?.isConnected ? this.#firstUnread : null;
	}

	/**
	 * Keeps a long session's page small: removes the oldest settled messages beyond the limit.
	 * Returns how many left.
	 */
	trim(): number {
		let removed = 0;
		while (this.#bySeq.size > this.#maxMessages) {
			const oldest = this.#list.querySelector<HTMLLIElement>("li[data-seq]");
			if (!oldest) break;
			this.#bySeq.delete(Number(oldest.dataset.seq));
			const next = nextItem(oldest);
			oldest.remove();
			this.#regroup(next);
			removed++;
		}
		return removed;
	}

	/** The lowest seq on the page (null when empty). */
	get oldestShownSeq(): number | null {
		const oldest = this.#list.querySelector<HTMLLIElement>("li[data-seq]");
		return oldest ? Number(oldest.dataset.seq) : null;
	}

	/** Whether messages seen earlier in this session were taken off the page by `trim()`. */
	get trimmed(): boolean {
		const oldest = this.oldestShownSeq;
		return oldest !== null && oldest > this.#lowestSeen;
	}

	get size(): number {
		return this.#bySeq.size;
	}

	#removePending(clientId: string): void {
		const item = this.#pending.get(clientId);
		if (!item) return;
		this.#pending.delete(clientId);
		const next = nextItem(item);
		item.remove();
		this.#regroup(next);
	}

	#showDeleted(item: HTMLLIElement): void {
		item.classList.add("deleted");
		item.querySelector(".delete")?.remove();
		item.querySelector(".text")?.replaceChildren("Message deleted");
	}

	#addDeleteButton(item: HTMLLIElement, seq: number, text: string): void {
		const button = h("button", { type: "button", class: "delete link-button" }, "Delete");
		button.addEventListener("click", () => this.#options.onDelete(seq, text));
		item.querySelector(".meta")?.append(button);
	}

	/** Sets `item`'s day divider and whether it continues the previous message's group. */
	#regroup(item: HTMLLIElement | null): void {
		if (!item) return;
		const facts = groupingFacts(item);
		const previousElement = item.previousElementSibling;
		const previous = previousElement instanceof HTMLLIElement ? groupingFacts(previousElement) : null;
		const startsDay = previous === null || dayKey(previous.ts) !== dayKey(facts.ts);
		setDivider(item, "day", startsDay ? dayLabel(facts.ts) : null);
		const continued =
			!startsDay && !item.classList.contains("first-unread") && continuesGroup(previous, facts);
		item.classList.toggle("continued", continued);
	}

	/** Settled messages stay in seq order whatever order they arrive in (live, replay, older pages). */
	#insertInOrder(item: HTMLLIElement, seq: number): void {
		let before: Element | null = null;
		for (let node = this.#list.lastElementChild; node; node = node.previousElementSibling) {
			const nodeSeq = node instanceof HTMLElement ? Number(node.dataset.seq) : Number.NaN;
			if (Number.isNaN(nodeSeq) || nodeSeq > seq) {
				before = node;
				continue;
			}
			break;
		}
		this.#list.insertBefore(item, before);
	}
}

function nextItem(item: HTMLLIElement): HTMLLIElement | null {
	const next = item.nextElementSibling;
	return next instanceof HTMLLIElement ? next : null;
}

function groupingFacts(item: HTMLElement): GroupingFacts {
	return { userId: item.dataset.user ?? "", ts: Number(item.dataset.ts) };
}
