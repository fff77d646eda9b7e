import type { ChatMessage, ReplyRef } from "../../worker/protocol/index.ts";

/** Replies remembered for their quotes; a page shows far fewer (it keeps 1,000 messages). */
const rememberedMax = 10_000;

/** A reply whose quote changed: the message it answers was deleted. */
export interface QuoteChange {
	/** The reply. */
	seq: number;
	/** Its quote as it is now: `{seq, user, deleted: true}`, without text. */
	replyTo: ReplyRef;
}

/**
 * The quotes of the replies the client has handed out (delivered, found by a search, loaded
 * around a message), by the seq they answer. The server sends no new copy of a reply when the
 * message it answers is deleted: the deletion's own `deleted` frame is the news, and this turns
 * it into the new quote of each reply held.
 */
export class ReplyQuotes {
	/** Reply seq → its quote; insertion order is age, so the oldest go first when over the bound. */
	readonly #quotes = new Map<number, ReplyRef>();

	/** Remembers (or refreshes) the quote a message carries; a message without one is forgotten. */
	see(message: ChatMessage): void {
		if (message.deleted || !message.replyTo) {
			this.#quotes.delete(message.seq);
			return;
		}
		this.#quotes.delete(message.seq);
		this.#quotes.set(message.seq, message.replyTo);
		if (this.#quotes.size > rememberedMax) {
			const oldest = this.#quotes.keys().next().value;
			if (oldest !== undefined) this.#quotes.delete(oldest);
		}
	}

	/** The message `seq` was deleted: the replies to it, with their quotes as they now are. */
	deleted(seq: number): QuoteChange[] {
		this.#quotes.delete(seq);
		const changes: QuoteChange[] = [];
		for (const [reply, quote] of this.#quotes) {
			if (quote.seq !== seq || quote.deleted) continue;
			const replyTo: ReplyRef = { seq, user: quote.user, deleted: true };
			this.#quotes.set(reply, replyTo);
			changes.push({ seq: reply, replyTo });
		}
		return changes;
	}
}
