import type { UserRef } from "../../../worker/protocol/index.ts";
import { h } from "../dom.ts";
import { linkify } from "../linkify.ts";
import { type NameBook, personName } from "../names.ts";

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const exactFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "medium" });

/**
 * One message as a list item: author (in their colour), time (the exact one as its tooltip) and
 * the text, which only ever becomes text nodes and safe links. The author and time stay in the
 * DOM of grouped messages too, hidden from sight only, so screen readers hear who said what.
 */
export function messageItem(
	author: UserRef,
	ts: number,
	text: string,
	own: boolean,
	names: NameBook,
): HTMLLIElement {
	const when = new Date(ts);
	const time = h(
		"time",
		{ datetime: when.toISOString(), title: exactFormat.format(when) },
		timeFormat.format(when),
	);
	const item = h(
		"li",
		{ class: own ? "message own" : "message" },
		h("div", { class: "meta" }, personName(author, names), time),
		h("p", { class: "text" }, ...linkify(text)),
	);
	item.dataset.user = author.id;
	item.dataset.ts = String(ts);
	return item;
}

/** Sets or removes an item's leading divider of `kind` ("day", "unread"). */
export function setDivider(item: HTMLLIElement, kind: string, label: string | null): void {
	const existing = [...item.children].find((child) => child.classList.contains(`divider-${kind}`));
	if (label === null) {
		existing?.remove();
		return;
	}
	if (existing) {
		if (existing.textContent !== label) existing.textContent = label;
		return;
	}
	const divider = h("p", { class: `divider divider-${kind}` }, label);
	// A day's divider goes above the unread one, both above the message itself.
	const unread = [...item.children].find((child) => child.classList.contains("divider-unread"));
	item.insertBefore(
		divider,
		kind === "day" ? item.firstElementChild : (unread?.nextSibling ?? item.firstElementChild),
	);
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
