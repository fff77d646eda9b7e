import type { ChatMessage, ChatWithConnections } from "../../../worker/protocol/index.ts";
import { ChatClient, type ClientMessage } from "../../client/index.ts";
import { h } from "../dom.ts";
import { NameBook, revealTags } from "../names.ts";
import { savedOutbox, savedToken, saveOutbox, saveToken } from "../storage.ts";
import { showAttachments } from "./attachment-view.ts";
import { chatSettingsPanel } from "./chat-settings.ts";
import { Composer } from "./composer.ts";
import { ConnectionStatus } from "./connection-status.ts";
import { ContextView, contextSide } from "./context-view.ts";
import { chatImages } from "./image-source.ts";
import { decorateMessage, personControls } from "./message-actions.ts";
import { messageControls } from "./message-controls.ts";
import { MessageList } from "./message-list.ts";
import { NewMessagesButton } from "./new-messages.ts";
import { OlderMessages } from "./older-messages.ts";
import { OnlineList } from "./online-list.ts";
import { ownerTools } from "./owner-tools.ts";
import { ReplyDraft } from "./reply-draft.ts";
import { showQuote } from "./reply-quote.ts";
import { followChanges } from "./room-changes.ts";
import { ownControls, roomHeader } from "./room-header.ts";
import { mentionable, notifyMentions } from "./room-mentions.ts";
import { SearchPanel } from "./search-panel.ts";
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
	const report = (what: string, error: unknown) => {
		notice.textContent = `Could not ${what}: ${error instanceof Error ? error.message : String(error)}`;
	};
	const draft = new ReplyDraft(names, () => composer.focus());
	const actions = {
		...messageControls(client, () => context.shown, report),
		reply: (message: ChatMessage) => {
			draft.start(message);
			composer.focus();
		},
	};
	const online = new OnlineList(names, (person) => personControls(person, actions));
	const typing = new TypingIndicator();
	const title = new TitleCounter(`${chat.name} · edgechat`, signal);
	const images = chatImages(client, chat, options.key);
	// Every list draws a message the same way: its quote (a button to the original), its images,
	// its controls.
	const decorate = (item: HTMLLIElement, message: ChatMessage) => {
		showQuote(item, message, names, (seq) => void context.reveal(seq));
		showAttachments(item, message.attachments, message.user.name, images);
		decorateMessage(item, message, actions);
	};
	const list = new MessageList({ names, decorate });
	const older = new OlderMessages({
		client,
		list,
		scroller: () => scroller,
		show: (message) => show(message, message.user.id === client.user?.id, false),
		report: (text) => {
			notice.textContent = text;
		},
	});
	const live = h("div", { class: "live-view" }, older.button, older.note, list.element);
	const context = new ContextView({
		around: (seq) => client.messagesAround(seq, contextSide),
		liveList: list,
		live,
		newList: () => new MessageList({ names, decorate, label: "Messages in context" }),
		own: (message) => message.user.id === client.user?.id,
		left: () => {
			scrollToEnd(scroller);
			newMessages.clear();
			// The control that was used has gone with the view: the keyboard goes on from the message box.
			composer.focus();
		},
		report,
	});
	const scroller = h("div", { class: "scroller" }, live, context.element);
	const search = compact
		? null
		: new SearchPanel({
				search: (q, before) => client.search(q, before === undefined ? {} : { before }),
				choose: (seq) => void context.show(seq),
				names,
			});
	const newMessages = new NewMessagesButton(() => {
		context.back();
		const first = list.firstUnread;
		if (first) first.scrollIntoView({ block: "start" });
		else scrollToEnd(scroller);
	});
	const composer = new Composer({
		above: draft.element,
		onEscape: () => draft.cancel(),
		onSend: (text, mentions, files) => {
			const user = client.user;
			if (!user) return "Not joined yet.";
			// Sending is taking part in the live conversation: it is what the list shows again.
			context.back();
			// A send carries only the extras it has (the outbox drops the unset and the empty).
			const attachments = files.map((file) => file.id);
			const pending = client.send(text, { replyTo: draft.replyTo, mentions, attachments });
			draft.cancel();
			keepOutbox();
			const item = list.addPending(pending, user);
			if (item) showAttachments(item, files, user.name, images);
			scrollToEnd(scroller);
			newMessages.clear();
			return null;
		},
		upload: (file) => client.uploadFile(file, file.type),
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
		search?.results,
		h("div", { class: "scroll-area" }, scroller, newMessages.element),
		typing.element,
		composer.element,
		notice,
	);
	composer.attach.dropOnto(conversation);
	const sidebar = h("aside", { class: "sidebar", "aria-label": "People" }, online.element);
	const header = roomHeader(chat, status.element, compact, search?.form);
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
	client.on("deleted", ({ seq }) => {
		if (seq === draft.replyTo && draft.cancel())
			notice.textContent = "The message you were answering was deleted.";
	});
	followChanges(client, {
		list,
		lists: () => (context.active ? [list, context.shown] : [list]),
		retitle: (name) => {
			header.title.textContent = name;
			title.rename(`${name} · edgechat`);
		},
		noted: () => {
			if (!context.active && nearEnd(scroller)) scrollToEnd(scroller);
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
	if (header.changeName) {
		const reveal = (seq: number) => void context.reveal(seq);
		notifyMentions(client, { list, chat, place: header.changeName, reveal, signal });
	}
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
		if (ready.chat.history) void older.load(true);
		else older.note.hidden = false;
	});

	function show(message: ClientMessage, mine: boolean, isLive: boolean): void {
		see(message.user);
		// A message shown in its context keeps the scrolling area: what arrives waits in the live list.
		const following = !context.active && (mine || nearEnd(scroller));
		const item = list.add(message, mine);
		typing.stopped(message.user.id);
		if (!isLive || !item) return;
		if (!mine) title.arrived(message.mentionsMe);
		if (following) {
			scrollToEnd(scroller);
			// Only a reader at the bottom loses the oldest messages: nobody's place is taken away.
			if (list.trim() > 0) older.button.hidden = false;
		} else if (newMessages.arrived()) {
			list.markFirstUnread(item);
		}
	}

	function end(refusal: string, note: string): void {
		session.abort();
		client.close();
		back(refusal, note);
	}

	scroller.addEventListener("scroll", () => {
		if (!context.active && nearEnd(scroller)) newMessages.clear();
	});
	ownControls(header, client, options.name, () => {
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
