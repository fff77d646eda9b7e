import type { ChatSettings } from "../../../worker/protocol/index.ts";
import { h } from "../dom.ts";

export interface RoomHeader {
	element: HTMLElement;
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
		const element = h("header", { class: "room-header" }, h("h1", {}, chat.name), onlineCount, status, open);
		return { element, onlineCount, changeName: null, leave: null };
	}
	const changeName = h("button", { type: "button", class: "secondary small" }, "Change name");
	const leave = h("button", { type: "button", class: "secondary small" }, "Leave chat");
	const badge = chat.visibility === "private" ? h("span", { class: "badge" }, "Private") : null;
	const element = h(
		"header",
		{ class: "room-header" },
		h("a", { href: "/", class: "brand" }, "edgechat"),
		h("h1", {}, chat.name),
		badge,
		status,
		h("div", { class: "own-controls" }, changeName, leave),
	);
	return { element, onlineCount, changeName, leave };
}
