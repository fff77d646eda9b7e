import type { ChatListEntry, CreatedChat } from "../../worker/protocol/index.ts";
import { ApiError, ChatApi } from "../client/index.ts";
import { copyField, h, labelledCheckbox, labelledInput } from "./dom.ts";
import { chatUrl, embedSnippet } from "./embed-snippet.ts";
import { ownedChats, rememberChatKeys, rememberedName } from "./storage.ts";

/** How often the public list (and its connection counts) is refreshed while the page is visible. */
const refreshMs = 3000;

/** `/`: create a chat, browse the public ones with their live counts, join one by name. */
export function mountLobby(root: HTMLElement): void {
	const api = new ChatApi({ baseUrl: location.origin });
	document.title = "edgechat";
	const directory = new PublicDirectory(api);
	root.replaceChildren(
		h(
			"div",
			{ class: "lobby" },
			h(
				"header",
				{ class: "lobby-header" },
				h("h1", { class: "brand" }, "edgechat"),
				h("p", { class: "hint" }, "Real-time chat rooms: start one, share the link, talk."),
			),
			h(
				"main",
				{ class: "lobby-grid" },
				// A new public chat shows up in the list at once, not at the next refresh.
				createSection(api, () => directory.refresh()),
				directory.element,
				ownedSection(),
			),
		),
	);
	directory.start();
}

function createSection(api: ChatApi, onCreated: () => void): HTMLElement {
	const name = labelledInput("Chat name", {
		name: "chat-name",
		required: true,
		maxlength: 80,
		autocomplete: "off",
	});
	const privacy = labelledCheckbox(
		"Private",
		"Not listed here; only people with the invite link can join.",
		false,
	);
	const history = labelledCheckbox(
		"Keep history",
		"Messages are stored so people can scroll back. Off: relayed live only.",
		true,
	);
	const submit = h("button", { type: "submit" }, "Create chat");
	const error = h("p", { class: "form-error", role: "alert" });
	const result = h("div", { class: "created", role: "status" });
	const form = h("form", { class: "create-form" }, name.field, privacy.field, history.field, submit, error);
	form.addEventListener("submit", async (event) => {
		event.preventDefault();
		error.textContent = "";
		submit.disabled = true;
		try {
			const owner = rememberedName();
			const created = await api.createChat({
				name: name.input.value,
				visibility: privacy.input.checked ? "private" : "public",
				history: history.input.checked,
				...(owner ? { owner } : {}),
			});
			rememberChatKeys(created.id, {
				ownerKey: created.ownerKey,
				name: created.name,
				...(created.inviteKey ? { inviteKey: created.inviteKey } : {}),
			});
			result.replaceChildren(...createdChat(created));
			name.input.value = "";
			onCreated();
		} catch (caught) {
			error.textContent =
				caught instanceof ApiError ? caught.message : "The chat could not be created. Try again.";
		} finally {
			submit.disabled = false;
		}
	});
	return h(
		"section",
		{ class: "card", "aria-labelledby": "create-heading" },
		h("h2", { id: "create-heading" }, "Create a chat"),
		form,
		result,
	);
}

function createdChat(chat: CreatedChat): Node[] {
	const link = chatUrl(location.origin, chat.id, chat.inviteKey);
	const open = h("a", { href: `/c/${encodeURIComponent(chat.id)}`, class: "button" }, `Open “${chat.name}”`);
	const embed = h(
		"details",
		{},
		h("summary", {}, "Embed it on your site"),
		copyField("Embed code", embedSnippet(location.origin, chat.id, chat.name, chat.inviteKey), true),
	);
	return [
		h("h3", {}, "Your chat is ready"),
		copyField(chat.inviteKey ? "Invite link" : "Link", link),
		h(
			"p",
			{ class: "hint" },
			chat.inviteKey
				? "Share the invite link with the people you want in this private chat. "
				: "Anyone can find this chat in the list. ",
			"You are its owner in this browser: you can delete messages.",
		),
		open,
		embed,
	];
}

/** The public chats, busiest first; refreshed in place so focus and scroll survive each update. */
class PublicDirectory {
	readonly element: HTMLElement;
	readonly #api: ChatApi;
	readonly #list = h("ul", { class: "chat-list" });
	readonly #items = new Map<string, { item: HTMLLIElement; count: HTMLSpanElement }>();
	readonly #empty = h("p", { class: "hint" }, "No public chats yet: create the first one.");
	readonly #problem = h("p", { class: "hint", role: "status" });
	readonly #names = h("datalist", { id: "public-chat-names" });
	#chats: ChatListEntry[] = [];
	#timer: ReturnType<typeof setTimeout> | undefined;
	#inFlight = false;
	#again = false;

	constructor(api: ChatApi) {
		this.#api = api;
		const join = labelledInput("Join by name", {
			name: "join-name",
			list: "public-chat-names",
			autocomplete: "off",
		});
		const error = h("p", { class: "form-error", role: "alert" });
		const form = h(
			"form",
			{ class: "join-by-name" },
			join.field,
			h("button", { type: "submit" }, "Open"),
			error,
			this.#names,
		);
		form.addEventListener("submit", (event) => {
			event.preventDefault();
			const wanted = join.input.value.trim().toLocaleLowerCase();
			const found = this.#chats.find((chat) => chat.name.toLocaleLowerCase() === wanted);
			if (found) location.assign(`/c/${encodeURIComponent(found.id)}`);
			else error.textContent = `No public chat is called “${join.input.value.trim()}”.`;
		});
		this.element = h(
			"section",
			{ class: "card", "aria-labelledby": "public-heading" },
			h("h2", { id: "public-heading" }, "Public chats"),
			form,
			this.#list,
			this.#empty,
			this.#problem,
		);
	}

	start(): void {
		void this.refresh();
		document.addEventListener("visibilitychange", () => {
			if (document.visibilityState === "visible") void this.refresh();
		});
	}

	async refresh(): Promise<void> {
		// One request at a time: a refresh asked for meanwhile runs right after the current one.
		if (this.#inFlight) {
			this.#again = true;
			return;
		}
		this.#inFlight = true;
		clearTimeout(this.#timer);
		try {
			const { chats } = await this.#api.listChats();
			this.#chats = chats;
			this.#render(chats);
			this.#problem.textContent = "";
		} catch {
			this.#problem.textContent = "The list could not be refreshed; retrying.";
		}
		this.#inFlight = false;
		if (this.#again) {
			this.#again = false;
			void this.refresh();
		} else if (document.visibilityState !== "hidden") {
			this.#timer = setTimeout(() => void this.refresh(), refreshMs);
		}
	}

	#render(chats: ChatListEntry[]): void {
		const seen = new Set<string>();
		for (const chat of chats) {
			seen.add(chat.id);
			const existing = this.#items.get(chat.id);
			const label = chat.connections === 1 ? "1 online" : `${chat.connections} online`;
			// Green means someone is there: an empty room's "0 online" stays muted.
			const active = chat.connections > 0 ? "true" : "false";
			if (existing) {
				if (existing.count.textContent !== label) existing.count.textContent = label;
				existing.count.dataset.active = active;
				continue;
			}
			const count = h("span", { class: "count", "data-active": active }, label);
			const owner = chat.owner ? h("span", { class: "hint" }, ` by ${chat.owner}`) : null;
			const item = h(
				"li",
				{ "data-chat": chat.id },
				h("a", { href: `/c/${encodeURIComponent(chat.id)}` }, chat.name),
				owner,
				count,
			);
			this.#items.set(chat.id, { item, count });
		}
		for (const [id, entry] of this.#items) {
			if (seen.has(id)) continue;
			entry.item.remove();
			this.#items.delete(id);
		}
		// Reordering moves elements, which would drop keyboard focus: wait until focus leaves the list.
		if (!this.#list.contains(document.activeElement)) {
			for (const chat of chats) {
				const entry = this.#items.get(chat.id);
				if (entry) this.#list.append(entry.item);
			}
		} else {
			for (const chat of chats) {
				const entry = this.#items.get(chat.id);
				if (entry && !entry.item.isConnected) this.#list.append(entry.item);
			}
		}
		this.#empty.hidden = chats.length > 0;
		this.#names.replaceChildren(...chats.map((chat) => h("option", { value: chat.name })));
	}
}

/** Chats created in this browser, including private ones (their invite keys are kept here). */
function ownedSection(): HTMLElement | null {
	const owned = ownedChats();
	if (owned.length === 0) return null;
	return h(
		"section",
		{ class: "card", "aria-labelledby": "owned-heading" },
		h("h2", { id: "owned-heading" }, "Chats you created"),
		h(
			"ul",
			{ class: "chat-list" },
			...owned.map((chat) =>
				h(
					"li",
					{},
					h("a", { href: `/c/${encodeURIComponent(chat.id)}` }, chat.name),
					chat.private ? h("span", { class: "badge" }, "Private") : null,
				),
			),
		),
	);
}
