import type { ChatSettings } from "../../../worker/protocol/index.ts";
import { h } from "../dom.ts";

export interface RoomHeader {
	element: HTMLElement;
	/** The chat's name, renamed when its settings change. */
	title: HTMLHeadingElement;
	/** "N online", shown in the compact header only (the full page has its sidebar). */
	onlineCount: HTMLSpanElement;
	/** The person's own controls; null in the compact embed, which has no room for them. */
	changeName: HTMLButtonElement | null;
	leave: HTMLButtonElement | null;
}

/** The room's header: its name and connection state, plus the brand and own controls on the full page. */
export function roomHeader(chat: ChatSettings, status: HTMLElement, compact: boolean): RoomHeader {
	const onlineCount = h("span", { class: "hint online-count" });
	if (compact) {
		const open = h(
			"a",
			{ href: `/c/${encodeURIComponent(chat.id)}`, target: "_blank", rel: "noopener", class: "hint" },
			"Open ↗",
		);
		const title = h("h1", {}, chat.name);
		const element = h("header", { class: "room-header" }, title, onlineCount, status, open);
		return { element, title, onlineCount, changeName: null, leave: null };
	}
	const changeName = h("button", { type: "button", class: "secondary small" }, "Change name");
	const leave = h("button", { type: "button", class: "secondary small" }, "Leave chat");
	const title = h("h1", {}, chat.name);
	const badge = chat.visibility === "private" ? h("span", { class: "badge" }, "Private") : null;
	const element = h(
		"header",
		{ class: "room-header" },
		h("a", { href: "/", class: "brand" }, "edgechat"),
		title,
		badge,
		status,
		h("div", { class: "own-controls" }, changeName, leave),
	);
	return { element, title, onlineCount, changeName, leave };
}
