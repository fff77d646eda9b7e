import { type ChatMessage, limits, type Refusal, type ReplyRef } from "../protocol";
import { refusals } from "../refusals";

/**
 * The quote a reply carries of the message it answers (`seq`, found or not): its author and its
 * first characters as they are now, so a client draws the quote without another request. A
 * message that is not there, or was deleted, cannot be answered.
 */
export function quoteOf(seq: number, original: ChatMessage | null): ReplyRef | Refusal {
	if (!original) return refusals.noMessageToAnswer(seq);
	if (original.deleted) return refusals.deletedMessageToAnswer(seq);
	const text = Array.from(original.text).slice(0, limits.replyQuoteMax).join("");
	return { seq, user: { id: original.user.id, name: original.user.name }, text };
}
