import type { ChatMessage, UserRef } from "../../../worker/protocol/index.ts";
import type { ClientMessage, PendingSend } from "../../client/index.ts";
import { h } from "../dom.ts";
import { linkify } from "../linkify.ts";
import type { NameBook } from "../names.ts";
import { continuesGroup, dayKey, dayLabel, type GroupingFacts } from "./grouping.ts";
import { messageItem, setDivider, showMentionsMe } from "./message-item.ts";

/** Extra controls a message loses when it is deleted (added by the `decorate` option). */
const extras =
	".message-actions, .reactions, .edited, .person-menu, .edit-form, .reply-quote, .mention-marker, .attachments";

/** Settled messages kept on the page; beyond this the oldest leave it (Load older brings them back). */
export const defaultMaxMessages = 1000;

export interface MessageListOptions {
	/**
	 * Adds a settled message's controls (Edit, Delete, React, the menu on its author) and shows
	 * its edits and reactions; called again whenever the message or the user's role changes.
	 */
	decorate?: (item: HTMLLIElement, message: ChatMessage) => void;
	names: NameBook;
	maxMessages?: number;
	/** The log's accessible name ("Messages" by default). */
	label?: string;
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
	/** The latest state of each message on the page: what the controls act on. */
	readonly #messages = new Map<number, ChatMessage>();
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
			{
				class: "messages-log",
				role: "log",
				"aria-live": "polite",
				"aria-label": options.label ?? "Messages",
			},
			this.#list,
		);
	}

	/** Adds a settled message; an own message replaces its pending entry (same clientId). */
	add(message: ClientMessage, own: boolean): HTMLLIElement | null {
		if (this.#bySeq.has(message.seq)) return null;
		const item = messageItem(message.user, message.ts, message.text, own, this.#options.names);
		item.dataset.seq = String(message.seq);
		this.#bySeq.set(message.seq, item);
		this.#messages.set(message.seq, message);
		if (message.mentionsMe && !message.deleted) showMentionsMe(item);
		if (message.deleted) this.#showDeleted(item);
		else this.#options.decorate?.(item, message);
		this.#lowestSeen = Math.min(this.#lowestSeen, message.seq);
		if (own && message.clientId !== undefined) this.#removePending(message.clientId);
		this.#insertInOrder(item, message.seq);
		this.#regroup(item);
		this.#regroup(nextItem(item));
		return item;
	}

	/** Shows what the user just sent, before the server has echoed it; null when it is shown already. */
	addPending(pending: PendingSend, author: UserRef): HTMLLIElement | null {
		if (this.#pending.has(pending.clientId)) return null;
		const item = messageItem(author, pending.createdAt, pending.text, true, this.#options.names);
		item.classList.add("pending");
		item.dataset.clientId = pending.clientId;
		item.querySelector(".meta")?.append(h("span", { class: "note" }, "Sending…"));
		this.#pending.set(pending.clientId, item);
		this.#list.append(item);
		this.#regroup(item);
		return item;
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
		if (message.deleted) {
			this.markDeleted(message.seq);
			return;
		}
		this.#messages.set(message.seq, message);
		item.querySelector(".text")?.replaceChildren(...linkify(message.text));
		this.#options.decorate?.(item, message);
	}

	message(seq: number): ChatMessage | undefined {
		return this.#messages.get(seq);
	}

	/** The newest message of this user still on the page and not deleted, for the Up arrow. */
	lastOf(userId: string): ChatMessage | undefined {
		let last: ChatMessage | undefined;
		for (const message of this.#messages.values()) {
			if (message.user.id !== userId || message.deleted) continue;
			if (!last || message.seq > last.seq) last = message;
		}
		return last;
	}

	/** Runs the decorations again (the user's role became known or changed). */
	redecorate(): void {
		const decorate = this.#options.decorate;
		if (!decorate) return;
		for (const [seq, item] of this.#bySeq) {
			const message = this.#messages.get(seq);
			if (message && !message.deleted) decorate(item, message);
		}
	}

	markDeleted(seq: number): void {
		const held = this.#messages.get(seq);
		if (held) this.#messages.set(seq, { ...held, text: "", deleted: true });
		const item = this.#bySeq.get(seq);
		if (!item || item.classList.contains("deleted")) return;
		this.#showDeleted(item);
	}

	/**
	 * A line about the conversation ("Bob was muted by Mia") after the newest message shown now,
	 * above the user's pending ones; it stays there whatever arrives later.
	 */
	addNote(note: HTMLElement): void {
		const item = h("li", { class: "conversation-note" }, note);
		item.dataset.after = String(this.#newestSeq());
		item.dataset.ts = String(Date.now());
		this.#list.insertBefore(item, this.#pending.values().next().value ?? null);
		this.#regroup(item);
		this.#regroup(nextItem(item));
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
			this.#messages.delete(Number(oldest.dataset.seq));
			// Notes about what came before the oldest message go with it.
			while (oldest.previousElementSibling) oldest.previousElementSibling.remove();
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
		for (const extra of item.querySelectorAll(extras)) extra.remove();
		const text = item.querySelector(".text");
		text?.removeAttribute("hidden");
		text?.replaceChildren("Message deleted");
	}

	#newestSeq(): number {
		let newest = 0;
		for (const seq of this.#bySeq.keys()) newest = Math.max(newest, seq);
		return newest;
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
			const nodeSeq = node instanceof HTMLElement ? orderKey(node) : Number.NaN;
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

/** Where an entry sorts: a message at its seq, a note just after the message it followed; pending ones have none. */
function orderKey(node: HTMLElement): number {
	if (node.dataset.seq !== undefined) return Number(node.dataset.seq);
	if (node.dataset.after !== undefined) return Number(node.dataset.after) + 0.5;
	return Number.NaN;
}

function groupingFacts(item: HTMLElement): GroupingFacts {
	return { userId: item.dataset.user ?? "", ts: Number(item.dataset.ts) };
}
