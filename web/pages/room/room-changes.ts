import type { ChatClient } from "../../client/index.ts";
import type { MessageList } from "./message-list.ts";
import { moderationNote } from "./moderation-view.ts";

export interface ChangeViews {
	list: MessageList;
	/** The chat's new name, for the header and the tab. */
	retitle: (name: string) => void;
	/** A note was added to the conversation (to keep a reader at the bottom there). */
	noted: () => void;
}

/** Shows what changes after the fact: edits, reactions, moderation, the chat's settings. */
export function followChanges(client: ChatClient, views: ChangeViews): void {
	const { list } = views;
	client.on("edited", ({ message }) => list.update(message));
	client.on("reactions", ({ seq, reactions }) => {
		const held = list.message(seq);
		if (held) list.update({ ...held, reactions });
	});
	client.on("moderation", (frame) => {
		list.addNote(moderationNote(frame));
		views.noted();
	});
	client.on("chat", (settings) => views.retitle(settings.name));
}
