import type { Uploads } from "../files/uploads";
import type { ChatMessage, FileInfo, Refusal, ReplyRef } from "../protocol";
import type { Draft } from "./outcomes";
import { quoteOf } from "./reply-quote";

/** What a draft's references become on its message: the quote of what it answers, the files it carries. */
export interface DraftExtras {
	replyTo?: ReplyRef;
	attachments?: FileInfo[];
}

/**
 * Resolves a draft's `replyTo` and `attachments` against the chat's state, or the refusal of the
 * first that cannot be: an answer to a message that is not there, a file `uploader` did not
 * upload to this chat or that another message already carries.
 */
export function draftExtras(
	draft: Draft,
	uploader: string,
	held: (seq: number) => ChatMessage | null,
	uploads: Uploads,
): DraftExtras | Refusal {
	const extras: DraftExtras = {};
	if (draft.replyTo !== undefined) {
		const quote = quoteOf(draft.replyTo, held(draft.replyTo));
		if ("code" in quote) return quote;
		extras.replyTo = quote;
	}
	if (draft.attachments && draft.attachments.length > 0) {
		const files = uploads.attachable(draft.attachments, uploader);
		if ("code" in files) return files;
		extras.attachments = files;
	}
	return extras;
}
