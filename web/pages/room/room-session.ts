import type { ChatWithConnections } from "../../../worker/protocol/index.ts";
import { ChatClient, type ClientMessage, markMentions } from "../../client/index.ts";
import { askText } from "../dialog.ts";
import { h } from "../dom.ts";
import { NameBook, revealTags } from "../names.ts";
import { rememberName, savedOutbox, savedToken, saveOutbox, saveToken } from "../storage.ts";
import { chatSettingsPanel } from "./chat-settings.ts";
import { Composer } from "./composer.ts";
import { ConnectionStatus } from "./connection-status.ts";
import { decorateMessage, personControls } from "./message-actions.ts";
import { messageControls } from "./message-controls.ts";
import { MessageList } from "./message-list.ts";
import { NewMessagesButton } from "./new-messages.ts";
import { OnlineList } from "./online-list.ts";
import { ownerTools } from "./owner-tools.ts";
import { followChanges } from "./room-changes.ts";
import { roomHeader } from "./room-header.ts";
import { mentionable, notifyMentions, showMentionsMe } from "./room-mentions.ts";
import { TitleCounter } from "./title-counter.ts";
import { TypingIndicator } from "./typing-indicator.ts";

export interface SessionOptions {
	chat: ChatWithConnections;
	name: string;
	key: string | undefined;
	/** The embeddable version (no sidebar, smaller header) for an iframe. */
	compact: boolean;
}

/** Back to the join form: with the reason the chat refused us, or a note (after leaving). */
export type BackToJoin = (refusal: string, note: string) => void;

/** A joined room: the conversation, who is online, and the person's own controls. */
export function joinRoom(root: HTMLElement, options: SessionOptions, back: BackToJoin): void {
	const { chat, compact } = options;
	// Everything this session attaches to window and document goes when the person leaves.
	const session = new AbortController();
	const { signal } = session;
	const restored = savedOutbox(chat.id);
	const client = new ChatClient({
		baseUrl: location.origin,
		chatId: chat.id,
		name: options.name,
		key: options.key,
		token: savedToken(chat.id),
		pending: restored,
	});
	client.on("token", (token) => saveToken(chat.id, token));
	// What is not yet acknowledged is kept in storage, so a reload before the link returns loses nothing.
	const keepOutbox = () => saveOutbox(chat.id, client.pending);

	const names = new NameBook();
	const status = new ConnectionStatus();
	const notice = h("p", { class: "notice", role: "alert" });
	const actions = messageControls(
		client,
		() => list,
		(what, error) => {
			notice.textContent = `Could not ${what}: ${error instanceof Error ? error.message : String(error)}`;
		},
	);
	const online = new OnlineList(names, (person) => personControls(person, actions));
	const typing = new TypingIndicator();
	const title = new TitleCounter(`${chat.name} · edgechat`, signal);
	const list = new MessageList({
		names,
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
	const newMessages = new NewMessagesButton(() => {
		const first = list.firstUnread;
		if (first) first.scrollIntoView({ block: "start" });
		else scrollToEnd(scroller);
	});
	const composer = new Composer({
		onSend: (text, mentions) => {
			const user = client.user;
			if (!user) return "Not joined yet.";
			const pending = client.send(text, mentions.length > 0 ? { mentions } : undefined);
			keepOutbox();
			list.addPending(pending, user);
			scrollToEnd(scroller);
			newMessages.clear();
			return null;
		},
		onTyping: () => client.typing(),
		onEditLast: () => {
			const me = client.user;
			const last = me ? list.lastOf(me.id) : undefined;
			if (last) actions.edit(last);
		},
		mentionable: () => mentionable(client, list),
		names,
	});
	const conversation = h(
		"section",
		{ class: "conversation", "aria-label": "Conversation" },
		h("div", { class: "scroll-area" }, scroller, newMessages.element),
		typing.element,
		composer.element,
		notice,
	);
	const sidebar = h("aside", { class: "sidebar", "aria-label": "People" }, online.element);
	const header = roomHeader(chat, status.element, compact);
	const { onlineCount } = header;
	root.replaceChildren(
		h(
			"div",
			{ class: compact ? "room compact" : "room" },
			header.element,
			h("main", { class: "room-body" }, conversation, compact ? null : sidebar),
		),
	);

	// Restored sends show at once, as pending, before the link is back.
	const me = savedToken(chat.id)?.user ?? { id: "", name: options.name };
	for (const pending of restored) list.addPending(pending, me);

	const see = (user: { id: string; name: string }) => {
		if (names.see(user)) revealTags(root, names);
	};

	client.on("state", ({ state }) => status.show(state));
	client.on("presence", (presence) => {
		for (const user of presence.online) see(user);
		online.update(presence, client.user);
		onlineCount.textContent = `${presence.count} online`;
	});
	client.on("typing", (user) => typing.typing(user));
	client.on("deleted", ({ seq }) => list.markDeleted(seq));
	followChanges(client, {
		list,
		retitle: (name) => {
			header.title.textContent = name;
			title.rename(`${name} · edgechat`);
		},
		noted: () => {
			if (nearEnd(scroller)) scrollToEnd(scroller);
		},
	});
	client.on("rejected", ({ pending, message }) => {
		keepOutbox();
		list.markRejected(pending.clientId, message);
	});
	client.on("message", ({ message, own: mine, source }) => {
		if (mine) keepOutbox();
		show(message, mine, source === "live");
	});
	// Not in the embed: a frame in another site's page, where browsers refuse notifications.
	if (header.changeName) notifyMentions(client, { list, chat, place: header.changeName, signal });
	client.on("error", (error) => {
		if (error.code === "rate_limited")
			notice.textContent = "You are sending quickly: your message will go out in a moment.";
		else if (error.fatal && client.user === null) end(error.message, "");
		else if (error.code === "kicked" || error.code === "banned" || error.code === "chat_deleted") {
			// The chat ended for this person, with the reason the server gave.
			composer.disable();
			notice.textContent = `${error.message}.`;
		} else if (error.fatal) notice.textContent = `Disconnected: ${error.message}. Reload the page to rejoin.`;
	});
	let joinedOnce = false;
	client.on("ready", (ready) => {
		notice.textContent = "";
		// The role may be new (a promotion counts from the next join): the controls follow it.
		list.redecorate();
		if (joinedOnce) return;
		joinedOnce = true;
		composer.enable();
		composer.focus();
		if (ready.user.role === "owner" && !compact) {
			sidebar.append(
				ownerTools(ready.chat),
				chatSettingsPanel(client, ready.chat, () => {
					composer.disable();
					notice.textContent = "The chat was deleted.";
				}),
			);
		}
		if (ready.chat.history) void showOlder(true);
		else noHistory.hidden = false;
	});

	function show(message: ClientMessage, mine: boolean, live: boolean): void {
		see(message.user);
		const atEnd = nearEnd(scroller);
		const item = list.add(message, mine);
		if (item && message.mentionsMe) showMentionsMe(item);
		typing.stopped(message.user.id);
		if (!live || !item) return;
		if (!mine) title.arrived(message.mentionsMe);
		if (mine || atEnd) {
			scrollToEnd(scroller);
			// Only a reader at the bottom loses the oldest messages: nobody's place is taken away.
			if (list.trim() > 0) loadOlder.hidden = false;
		} else if (newMessages.arrived()) {
			list.markFirstUnread(item);
		}
	}

	async function showOlder(initial: boolean): Promise<void> {
		loadOlder.setAttribute("aria-busy", "true");
		const heightBefore = scroller.scrollHeight;
		let more = false;
		try {
			if (list.trimmed) more = await reloadTrimmed();
			else {
				await client.loadOlder();
				more = client.hasOlder;
			}
		} catch (error) {
			notice.textContent = `Could not load older messages: ${error instanceof Error ? error.message : String(error)}`;
			more = true;
		}
		loadOlder.removeAttribute("aria-busy");
		loadOlder.hidden = !more;
		// Older messages go above what the reader is looking at: keep it in place.
		if (initial) scrollToEnd(scroller);
		else scroller.scrollTop += scroller.scrollHeight - heightBefore;
	}

	/** Pages back over messages this session already had, which the client will not deliver twice. */
	async function reloadTrimmed(): Promise<boolean> {
		const before = list.oldestShownSeq ?? 1;
		const page = await client.api.history(chat.id, { before, limit: 50 }, client.token?.token);
		const me = client.user?.id;
		for (const message of page.messages) show(markMentions(message, me), message.user.id === me, false);
		return list.trimmed || client.hasOlder;
	}

	function end(refusal: string, note: string): void {
		session.abort();
		client.close();
		back(refusal, note);
	}

	loadOlder.addEventListener("click", () => void showOlder(false));
	scroller.addEventListener("scroll", () => {
		if (nearEnd(scroller)) newMessages.clear();
	});
	header.changeName?.addEventListener("click", async () => {
		const current = client.user?.name ?? options.name;
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
	header.leave?.addEventListener("click", () => {
		saveOutbox(chat.id, []);
		end("", "You left the chat. Join again whenever you like.");
	});

	// The browser knows when the network is gone long before a socket times out.
	window.addEventListener("offline", () => client.pause(), { signal });
	window.addEventListener("online", () => client.resume(), { signal });

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
