import type { ChatWithConnections } from "../../../worker/protocol/index.ts";
import { ApiError, ChatApi, ChatClient } from "../../client/index.ts";
import { h, labelledInput } from "../dom.ts";
import {
	chatKeys,
	rememberChatKeys,
	rememberedName,
	rememberName,
	savedToken,
	saveToken,
} from "../storage.ts";
import { chatSettingsPanel } from "./chat-settings.ts";
import { Composer } from "./composer.ts";
import { ConnectionStatus } from "./connection-status.ts";
import { decorateMessage, type MessageActions, personMenu } from "./message-actions.ts";
import { MessageList } from "./message-list.ts";
import { moderationNote, startEditing } from "./moderation-view.ts";
import { OnlineList } from "./online-list.ts";
import { ownerTools } from "./owner-tools.ts";
import { TypingIndicator } from "./typing-indicator.ts";

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
		joinRoom(root, chat, name, key, compact);
	});
	input.focus();
}

function joinRoom(
	root: HTMLElement,
	chat: ChatWithConnections,
	name: string,
	key: string | undefined,
	compact: boolean,
) {
	const client = new ChatClient({
		baseUrl: location.origin,
		chatId: chat.id,
		name,
		key,
		token: savedToken(chat.id),
	});
	client.on("token", (token) => saveToken(chat.id, token));

	const status = new ConnectionStatus();
	const online = new OnlineList();
	const typing = new TypingIndicator();
	const notice = h("p", { class: "notice", role: "alert" });
	const fail = (what: string) => (error: unknown) => {
		notice.textContent = `Could not ${what}: ${error instanceof Error ? error.message : String(error)}`;
	};
	const actions: MessageActions = {
		me: () => client.user,
		edit: (message) => startEditing(list, message, (text) => client.editMessage(message.seq, text)),
		remove: (seq) => void client.deleteMessage(seq).catch(fail("delete")),
		react: (seq, emoji) => {
			try {
				client.react(seq, emoji);
			} catch (error) {
				fail("react")(error);
			}
		},
		person: (action, person) => {
			const done =
				action === "promote"
					? client.setModerator(person.id, true)
					: action === "mute"
						? client.moderate({ kind: "mute", userId: person.id, seconds: 600 })
						: client.moderate({ kind: action, userId: person.id });
			done.catch(fail(action === "promote" ? "make a moderator" : action));
		},
	};
	// Delete buttons come with the other message controls (decorateMessage).
	const list = new MessageList({
		canDelete: () => false,
		onDelete: () => {},
		decorate: (item, message) => decorateMessage(item, message, actions),
	});
	const loadOlder = h(
		"button",
		{ type: "button", class: "secondary load-older", hidden: true },
		"Load older",
	);
	const noHistory = h(
		"p",
		{ class: "hint history-note", hidden: true },
		"This chat keeps no history: you see what is said while you are here.",
	);
	const scroller = h("div", { class: "scroller" }, loadOlder, noHistory, list.element);
	const composer = new Composer({
		onSend: (text) => {
			const user = client.user;
			if (!user) return "Not joined yet.";
			const pending = client.send(text);
			list.addPending(pending, user);
			scrollToEnd(scroller);
			return null;
		},
		onTyping: () => client.typing(),
		onEditLast: () => {
			const me = client.user;
			const last = me ? list.lastOf(me.id) : undefined;
			if (last) actions.edit(last);
		},
	});
	const onlineCount = h("span", { class: "hint online-count" });
	const conversation = h(
		"section",
		{ class: "conversation", "aria-label": "Conversation" },
		scroller,
		typing.element,
		composer.element,
		notice,
	);
	const sidebar = h("aside", { class: "sidebar" }, online.element);
	const badge = chat.visibility === "private" ? h("span", { class: "badge" }, "Private") : null;
	const header = compact
		? h(
				"header",
				{ class: "room-header" },
				h("h1", {}, chat.name),
				onlineCount,
				status.element,
				h(
					"a",
					{ href: `/c/${encodeURIComponent(chat.id)}`, target: "_blank", rel: "noopener", class: "hint" },
					"Open ↗",
				),
			)
		: h(
				"header",
				{ class: "room-header" },
				h("a", { href: "/", class: "brand" }, "edgechat"),
				h("h1", {}, chat.name),
				badge,
				status.element,
			);
	root.replaceChildren(
		h(
			"div",
			{ class: compact ? "room compact" : "room" },
			header,
			h("div", { class: "room-body" }, conversation, compact ? null : sidebar),
		),
	);

	client.on("state", ({ state }) => status.show(state));
	client.on("presence", (presence) => {
		const me = client.user;
		online.update(presence, me);
		if (me && (me.role === "owner" || me.role === "moderator")) {
			for (const item of online.element.querySelectorAll<HTMLElement>("li[data-user]")) {
				const person = presence.online.find((user) => user.id === item.dataset.user);
				if (person && person.id !== me.id) item.append(personMenu(person, me, actions));
			}
		}
		onlineCount.textContent = `${presence.count} online`;
	});
	client.on("typing", (user) => typing.typing(user));
	client.on("deleted", ({ seq }) => list.markDeleted(seq));
	client.on("edited", ({ message }) => list.update(message));
	client.on("reactions", ({ seq, reactions }) => {
		const held = list.message(seq);
		if (held) list.update({ ...held, reactions });
	});
	client.on("moderation", (frame) => conversation.insertBefore(moderationNote(frame), notice));
	client.on("chat", (settings) => {
		const title = header.querySelector("h1");
		if (title) title.textContent = settings.name;
		document.title = `${settings.name} · edgechat`;
	});
	client.on("rejected", ({ pending, message }) => list.markRejected(pending.clientId, message));
	client.on("message", ({ message, own, source }) => {
		const follow = own || nearEnd(scroller);
		list.add(message, own);
		typing.stopped(message.user.id);
		if (source === "live" && follow) scrollToEnd(scroller);
	});
	client.on("error", (error) => {
		if (error.code === "rate_limited")
			notice.textContent = "You are sending quickly: your message will go out in a moment.";
		else if (error.fatal && client.user === null) showJoinForm(root, chat, key, compact, error.message);
		else if (error.fatal) notice.textContent = `Disconnected: ${error.message}. Reload the page to rejoin.`;
	});
	let joinedOnce = false;
	client.on("ready", (ready) => {
		notice.textContent = "";
		list.refreshDeleteButtons();
		list.redecorate();
		if (joinedOnce) return;
		joinedOnce = true;
		composer.enable();
		composer.focus();
		if (ready.user.role === "owner" && !compact) {
			sidebar.append(ownerTools(ready.chat));
			sidebar.append(
				chatSettingsPanel(client, ready.chat, () => {
					notice.textContent = "The chat was deleted.";
				}),
			);
		}
		if (ready.chat.history) void showOlder(true);
		else noHistory.hidden = false;
	});

	async function showOlder(initial: boolean): Promise<void> {
		loadOlder.setAttribute("aria-busy", "true");
		const heightBefore = scroller.scrollHeight;
		try {
			await client.loadOlder();
		} catch (error) {
			notice.textContent = `Could not load older messages: ${error instanceof Error ? error.message : String(error)}`;
		}
		loadOlder.removeAttribute("aria-busy");
		loadOlder.hidden = !client.hasOlder;
		// Older messages go above what the reader is looking at: keep it in place.
		if (initial) scrollToEnd(scroller);
		else scroller.scrollTop += scroller.scrollHeight - heightBefore;
	}
	loadOlder.addEventListener("click", () => void showOlder(false));

	// The browser knows when the network is gone long before a socket times out.
	window.addEventListener("offline", () => client.pause());
	window.addEventListener("online", () => client.resume());

	void client.connect().catch(() => {
		// Reported through the `error` event above.
	});
	if (!navigator.onLine) client.pause();
}

function nearEnd(scroller: HTMLElement): boolean {
	return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
}

function scrollToEnd(scroller: HTMLElement): void {
	scroller.scrollTop = scroller.scrollHeight;
}
