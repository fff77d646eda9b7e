import type { ChatSettings, UserRef } from "../../../worker/protocol/index.ts";
import type { ChatClient } from "../../client/index.ts";
import { h } from "../dom.ts";
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

/** Highlights a message that mentions the person, with a marker that says so in words too. */
export function showMentionsMe(item: HTMLLIElement): void {
	item.classList.add("mentions-me");
	if (item.querySelector(".mention-marker")) return;
	const marker = h("span", { class: "mention-marker" }, "Mentions you");
	const time = item.querySelector(".meta time");
	if (time) time.after(marker);
	else item.querySelector(".meta")?.append(marker);
}

export interface MentionViews {
	list: MessageList;
	/** The chat as joined (its name until the settings change it). */
	chat: ChatSettings;
	/** The notification control goes before this one of the room's header. */
	place: HTMLElement;
	signal: AbortSignal;
}

/** Notifications of mentions that arrive live from others, with their control in the room. */
export function notifyMentions(client: ChatClient, views: MentionViews): void {
	const notifier = new MentionNotifier({
		chatId: client.chatId,
		chatName: () => client.chat?.name ?? views.chat.name,
		reveal: (seq) => revealMessage(views.list, seq),
		signal: views.signal,
	});
	if (notifier.control) views.place.before(notifier.control);
	client.on("message", ({ message, own, source }) => {
		if (message.mentionsMe && !own && source === "live") notifier.mentioned(message);
	});
}

/** Scrolls to a message and marks it, as when its notification was clicked. */
export function revealMessage(list: MessageList, seq: number): void {
	const item = list.element.querySelector<HTMLLIElement>(`li[data-seq="${seq}"]`);
	if (!item) {
		showInContext(seq);
		return;
	}
	for (const earlier of list.element.querySelectorAll(".revealed")) earlier.classList.remove("revealed");
	item.classList.add("revealed");
	item.scrollIntoView({ block: "center" });
}

/**
 * A message no longer on the page (a long session trimmed it): the one place that would show it
 * among its neighbours, a view of its own over the history around it. Until the room has one,
 * the page stays where the reader is, with the newest messages.
 */
function showInContext(_seq: number): void {}
