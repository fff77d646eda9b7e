import type { ChatMessage } from "../../../worker/protocol/index.ts";
import type { ChatClient } from "../../client/index.ts";
import type { MessageList } from "./message-list.ts";
import { moderationNote } from "./moderation-view.ts";

export interface ChangeViews {
	/** The live conversation, which also gets the notes about it. */
	list: MessageList;
	/** Every list on the page now (the live one, and a message's context while it is shown). */
	lists: () => MessageList[];
	/** The chat's new name, for the header and the tab. */
	retitle: (name: string) => void;
	/** A note was added to the conversation (to keep a reader at the bottom there). */
	noted: () => void;
}

/**
 * Shows what changes after the fact, in every list that shows the message: edits, reactions,
 * deletions and the quotes of replies to a deleted message; moderation; the chat's settings.
 */
export function followChanges(client: ChatClient, views: ChangeViews): void {
	const change = (seq: number, changed: (held: ChatMessage) => ChatMessage) => {
		for (const list of views.lists()) {
			const held = list.message(seq);
			if (held) list.update(changed(held));
		}
	};
	client.on("edited", ({ message }) => change(message.seq, () => message));
	client.on("reactions", ({ seq, reactions }) => change(seq, (held) => ({ ...held, reactions })));
	client.on("deleted", ({ seq }) => {
		for (const list of views.lists()) list.markDeleted(seq);
	});
	client.on("quote", ({ seq, replyTo }) => change(seq, (held) => ({ ...held, replyTo })));
	client.on("moderation", (frame) => {
		views.list.addNote(moderationNote(frame));
		views.noted();
	});
	client.on("chat", (settings) => views.retitle(settings.name));
}
