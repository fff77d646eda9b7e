import type { ChatWithConnections } from "../../../worker/protocol/index.ts";
import { ApiError, ChatApi } from "../../client/index.ts";
import { h, labelledInput } from "../dom.ts";
import { chatKeys, rememberChatKeys, rememberedName, rememberName } from "../storage.ts";
import { joinRoom } from "./room-session.ts";

/** `compact`: the embeddable version (no sidebar, smaller header) for an iframe. */
export interface RoomPageOptions {
	chatId: string;
	compact: boolean;
}

/** `/c/:id` and `/embed/:id`: find the chat, ask for a name, then the conversation. */
export async function mountRoom(root: HTMLElement, options: RoomPageOptions): Promise<void> {
	const { chatId } = options;
	const key = accessKey(chatId);
	const api = new ChatApi({ baseUrl: location.origin });
	root.replaceChildren(h("main", { class: "centered" }, h("p", { role: "status" }, "Opening chat…")));
	let chat: ChatWithConnections;
	try {
		chat = await api.getChat(chatId, key ? { key } : {});
	} catch (error) {
		root.replaceChildren(unavailable(error, options.compact));
		return;
	}
	document.title = `${chat.name} · edgechat`;
	showJoinForm(root, chat, key, options.compact);
}

/** The key to join with: the owner's (kept since creation) beats an invite link's. */
function accessKey(chatId: string): string | undefined {
	const fromLink = keyFromLink();
	const keys = chatKeys(chatId);
	// Remember the invite so coming back without the link still works in this browser.
	if (fromLink && fromLink !== keys.ownerKey && fromLink !== keys.inviteKey) {
		rememberChatKeys(chatId, { inviteKey: fromLink });
	}
	return keys.ownerKey ?? fromLink ?? keys.inviteKey;
}

/**
 * The invite key of the address: `#key=` (current links), or `?key=` (older ones). It is taken out
 * of the address at once, so it leaves the address bar and the history entry (it is remembered in
 * this browser instead).
 */
function keyFromLink(): string | undefined {
	const query = new URLSearchParams(location.search);
	const fragment = new URLSearchParams(location.hash.slice(1));
	const key = fragment.get("key") ?? query.get("key") ?? undefined;
	if (key === undefined) return undefined;
	query.delete("key");
	fragment.delete("key");
	const search = query.size > 0 ? `?${query}` : "";
	const hash = fragment.size > 0 ? `#${fragment}` : "";
	history.replaceState(history.state, "", `${location.pathname}${search}${hash}`);
	return key;
}

function unavailable(error: unknown, compact: boolean): HTMLElement {
	const notFound = error instanceof ApiError && error.status === 404;
	const title = notFound ? "Chat not found" : "The chat could not be opened";
	const detail = notFound
		? "This chat does not exist, or it is private and you need its invite link."
		: `${error instanceof Error ? error.message : String(error)}. Try again in a moment.`;
	return h(
		"main",
		{ class: "centered" },
		h(
			"div",
			{ class: "card" },
			h("h1", {}, title),
			h("p", {}, detail),
			compact ? null : h("p", {}, h("a", { href: "/" }, "Go to the lobby")),
		),
	);
}

function showJoinForm(
	root: HTMLElement,
	chat: ChatWithConnections,
	key: string | undefined,
	compact: boolean,
	error = "",
	note = "",
): void {
	const { field, input } = labelledInput("Your name", {
		name: "name",
		required: true,
		maxlength: 32,
		autocomplete: "nickname",
	});
	input.value = rememberedName();
	const errorLine = h("p", { class: "form-error", role: "alert" }, error);
	const form = h("form", { class: "join-form" }, field, h("button", { type: "submit" }, "Join"), errorLine);
	const people = chat.connections === 1 ? "1 person here" : `${chat.connections} people here`;
	root.replaceChildren(
		h(
			"main",
			{ class: compact ? "centered compact" : "centered" },
			h(
				"div",
				{ class: "card" },
				compact ? null : h("a", { href: "/", class: "brand" }, "edgechat"),
				h("h1", {}, chat.name),
				h(
					"p",
					{ class: "hint" },
					`${chat.visibility === "private" ? "Private chat" : "Public chat"} · ${people}`,
				),
				note ? h("p", { role: "status" }, note) : null,
				form,
			),
		),
	);
	form.addEventListener("submit", (event) => {
		event.preventDefault();
		const name = input.value.trim();
		if (name.length === 0) {
			errorLine.textContent = "Please enter a name.";
			return;
		}
		rememberName(name);
		joinRoom(root, { chat, name, key, compact }, (refusal, note) =>
			showJoinForm(root, chat, key, compact, refusal, note),
		);
	});
	input.focus();
}
