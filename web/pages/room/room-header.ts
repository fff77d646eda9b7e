import type { ChatSettings } from "../../../worker/protocol/index.ts";
import type { ChatClient } from "../../client/index.ts";
import { askText } from "../dialog.ts";
import { h } from "../dom.ts";
import { rememberName } from "../storage.ts";

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

/**
 * The room's header: its name and connection state, plus the brand, the search box (`search`)
 * and own controls on the full page.
 */
export function roomHeader(
	chat: ChatSettings,
	status: HTMLElement,
	compact: boolean,
	search?: HTMLElement,
): RoomHeader {
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
		search,
		h("div", { class: "own-controls" }, changeName, leave),
	);
	return { element, title, onlineCount, changeName, leave };
}

/** *Change name* (asked in a dialog, remembered here) and *Leave chat*, on the full page. */
export function ownControls(
	header: RoomHeader,
	client: ChatClient,
	joinedAs: string,
	leave: () => void,
): void {
	header.changeName?.addEventListener("click", async () => {
		const current = client.user?.name ?? joinedAs;
		const name = await askText(
			"Change your name",
			"New name",
			current,
			{ maxlength: 32, autocomplete: "nickname" },
			"Save",
		);
		if (name === null || name === current) return;
		rememberName(name);
		client.rename(name);
	});
	header.leave?.addEventListener("click", leave);
}
