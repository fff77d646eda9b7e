import type { ChatSettings, UserRef } from "../../../worker/protocol/index.ts";
import type { ChatClient } from "../../client/index.ts";
import { MentionNotifier } from "./mention-notifier.ts";
import { mentionCandidates } from "./mention-text.ts";
import type { MessageList } from "./message-list.ts";

/** Who `@` offers: the people online (by name), then the authors on the page, newest first; never yourself. */
export function mentionable(client: ChatClient, list: MessageList): UserRef[] {
	const online = [...client.online].sort((a, b) => a.name.localeCompare(b.name));
	const authors: UserRef[] = [];
	const items = list.element.querySelectorAll<HTMLLIElement>("li[data-seq]");
	for (let index = items.length - 1; index >= 0; index--) {
		const author = list.message(Number(items[index]?.dataset.seq))?.user;
		if (author) authors.push(author);
	}
	return mentionCandidates([online, authors], client.user?.id);
}

export interface MentionViews {
	list: MessageList;
	/** The chat as joined (its name until the settings change it). */
	chat: ChatSettings;
	/** The notification control goes before this one of the room's header. */
	place: HTMLElement;
	/** Shows the chat at this message (marked where it is shown, else in its context). */
	reveal: (seq: number) => void;
	signal: AbortSignal;
}

/** Notifications of mentions that arrive live from others, with their control in the room. */
export function notifyMentions(client: ChatClient, views: MentionViews): void {
	const notifier = new MentionNotifier({
		chatId: client.chatId,
		chatName: () => client.chat?.name ?? views.chat.name,
		reveal: views.reveal,
		signal: views.signal,
	});
	if (notifier.control) views.place.before(notifier.control);
	client.on("message", ({ message, own, source }) => {
		if (message.mentionsMe && !own && source === "live") notifier.mentioned(message);
	});
}
