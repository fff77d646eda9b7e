import type {
	BanList,
	ChatInfo,
	ChatList,
	ChatMessage,
	ChatWithConnections,
	CreateChatRequest,
	CreatedChat,
	FileInfo,
	HistoryPage,
	IssuedToken,
	MessageReactions,
	ModeratorList,
	PostedMessage,
	RotatedKey,
	SearchPage,
	UpdateChatRequest,
	UploadedFile,
} from "../../worker/protocol/index.ts";
import { ApiError, errorFrom } from "./api-errors.ts";
import type { SendExtras } from "./outbox.ts";

export { ApiError } from "./api-errors.ts";

export interface HistoryCursor {
	before?: number;
	after?: number;
	limit?: number;
}

export interface ChatApiOptions {
	/** Origin of the edgechat service, e.g. `http://127.0.0.1:8787`. */
	baseUrl: string;
	fetch?: typeof fetch;
}

/** The v1 HTTP API, one method per endpoint (see docs/API.md). */
export class ChatApi {
	readonly baseUrl: string;
	readonly #fetch: typeof fetch;

	constructor(options: ChatApiOptions) {
		this.baseUrl = options.baseUrl.replace(/\/+$/, "");
		// Bound, because a detached `fetch` throws "Illegal invocation" in browsers.
		this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
	}

	createChat(request: CreateChatRequest): Promise<CreatedChat> {
		return this.#call("POST", "/api/chats", { body: request });
	}

	listChats(): Promise<ChatList> {
		return this.#call("GET", "/api/chats");
	}

	/** A private chat answers 404 unless `key` (invite or owner key) or `token` is given. */
	getChat(chatId: string, access: { key?: string; token?: string } = {}): Promise<ChatWithConnections> {
		// The key goes in a header: query strings end up in server logs and browser history.
		return this.#call("GET", chatPath(chatId), { token: access.token, key: access.key });
	}

	/**
	 * A join token. With `previousToken` (one this chat issued, even expired) the user keeps the
	 * same id, so one person in several tabs or across reconnects counts once in presence.
	 */
	issueToken(
		chatId: string,
		request: { name: string; key?: string },
		previousToken?: string,
	): Promise<IssuedToken> {
		return this.#call("POST", `${chatPath(chatId)}/tokens`, { body: request, token: previousToken });
	}

	history(chatId: string, cursor: HistoryCursor = {}, token?: string): Promise<HistoryPage> {
		const query = new URLSearchParams();
		if (cursor.before !== undefined) query.set("before", String(cursor.before));
		if (cursor.after !== undefined) query.set("after", String(cursor.after));
		if (cursor.limit !== undefined) query.set("limit", String(cursor.limit));
		const suffix = query.size > 0 ? `?${query}` : "";
		return this.#call("GET", `${chatPath(chatId)}/messages${suffix}`, { token });
	}

	/** Messages holding every word of `q`, newest first; `before` pages to older results. */
	search(
		chatId: string,
		q: string,
		cursor: Omit<HistoryCursor, "after"> = {},
		token?: string,
	): Promise<SearchPage> {
		const query = new URLSearchParams({ q });
		if (cursor.before !== undefined) query.set("before", String(cursor.before));
		if (cursor.limit !== undefined) query.set("limit", String(cursor.limit));
		return this.#call("GET", `${chatPath(chatId)}/search?${query}`, { token });
	}

	/** `extras`: what the message carries besides its text (with attachments, `text` may be empty). */
	async postMessage(
		chatId: string,
		token: string,
		text: string,
		clientId?: string,
		extras: SendExtras = {},
	): Promise<ChatMessage> {
		const body = { text, ...(clientId !== undefined && { clientId }), ...extras };
		const posted: PostedMessage = await this.#call("POST", `${chatPath(chatId)}/messages`, { body, token });
		return posted.message;
	}

	/**
	 * Uploads an image (PNG, JPEG, GIF or WebP, at most 5 MiB) as the raw body with its type, to
	 * attach to a message of this user within the hour: `send(text, { attachments: [file.id] })`.
	 */
	async uploadFile(
		chatId: string,
		token: string,
		body: Blob | ArrayBuffer | Uint8Array,
		type: string,
	): Promise<FileInfo> {
		const uploaded: UploadedFile = await (
			await this.#request("POST", `${chatPath(chatId)}/files`, {
				token,
				// A view of a shared or resizable buffer is no request body: its bytes are copied.
				raw: { body: body instanceof Uint8Array ? new Uint8Array(body) : body, type },
			})
		).json();
		return uploaded.file;
	}

	/**
	 * A file's bytes, as whoever may read the chat's history (a private chat: with `token` or
	 * `key`, sent as headers, never in the URL).
	 */
	async fileBytes(
		chatId: string,
		fileId: string,
		access: { key?: string; token?: string } = {},
	): Promise<Blob> {
		const path = `${chatPath(chatId)}/files/${encodeURIComponent(fileId)}`;
		return (await this.#request("GET", path, { token: access.token, key: access.key })).blob();
	}

	/** Your own message, or anyone's for the owner and moderators; sockets get a `deleted` frame. */
	async deleteMessage(chatId: string, token: string, seq: number): Promise<void> {
		await this.#request("DELETE", `${chatPath(chatId)}/messages/${seq}`, { token });
	}

	async editMessage(chatId: string, token: string, seq: number, text: string): Promise<ChatMessage> {
		const edited: PostedMessage = await this.#call("PATCH", `${chatPath(chatId)}/messages/${seq}`, {
			body: { text },
			token,
		});
		return edited.message;
	}

	/** Adds (`on`) or takes back your reaction with `emoji`. */
	react(chatId: string, token: string, seq: number, emoji: string, on: boolean): Promise<MessageReactions> {
		const path = `${chatPath(chatId)}/messages/${seq}/reactions/${encodeURIComponent(emoji)}`;
		return this.#call(on ? "PUT" : "DELETE", path, { token });
	}

	/** Owner or moderator: kick, mute, ban (mutes and bans answer with their record), or lift one. */
	async moderate(chatId: string, token: string, action: ModerationCall): Promise<void> {
		const { kind, userId } = action;
		const base = chatPath(chatId);
		if (kind === "unmute" || kind === "unban") {
			await this.#request("DELETE", `${base}/${kind === "unmute" ? "mutes" : "bans"}/${userId}`, { token });
			return;
		}
		const body = {
			userId,
			...(action.reason && { reason: action.reason }),
			...(action.seconds && { seconds: action.seconds }),
		};
		await this.#request("POST", `${base}/${kind === "kick" ? "kicks" : kind === "mute" ? "mutes" : "bans"}`, {
			body,
			token,
		});
	}

	/** Owner only: make a user a moderator (`on`) or take the role back. */
	async setModerator(chatId: string, token: string, userId: string, on: boolean): Promise<void> {
		await this.#request(on ? "PUT" : "DELETE", `${chatPath(chatId)}/moderators/${userId}`, { token });
	}

	listModerators(chatId: string, token: string): Promise<ModeratorList> {
		return this.#call("GET", `${chatPath(chatId)}/moderators`, { token });
	}

	listBans(chatId: string, token: string): Promise<BanList> {
		return this.#call("GET", `${chatPath(chatId)}/bans`, { token });
	}

	/** Owner only. */
	updateChat(chatId: string, token: string, change: UpdateChatRequest): Promise<ChatInfo> {
		return this.#call("PATCH", chatPath(chatId), { body: change, token });
	}

	/** Owner only: the new key, shown once; the old one stops working at once. */
	rotateKey(chatId: string, token: string, which: "invite" | "owner"): Promise<RotatedKey> {
		return this.#call("POST", `${chatPath(chatId)}/keys`, { body: { which }, token });
	}

	/** Owner only: erases the chat; every socket closes with 4004. */
	async deleteChat(chatId: string, token: string): Promise<void> {
		await this.#request("DELETE", chatPath(chatId), { token });
	}

	/** The server answers with the shapes of worker/protocol; its own tests hold it to them. */
	async #call<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
		const response = await this.#request(method, path, options);
		return response.json();
	}

	async #request(method: string, path: string, options: RequestOptions): Promise<Response> {
		const headers: Record<string, string> = {};
		if (options.body !== undefined) headers["content-type"] = "application/json";
		if (options.raw !== undefined) headers["content-type"] = options.raw.type;
		if (options.token) headers.authorization = `Bearer ${options.token}`;
		if (options.key) headers["x-chat-key"] = options.key;
		let response: Response;
		try {
			response = await this.#fetch(`${this.baseUrl}${path}`, {
				method,
				headers,
				body: options.raw?.body ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
			});
		} catch (error) {
			throw new ApiError(0, "network", error instanceof Error ? error.message : String(error));
		}
		if (!response.ok) throw await errorFrom(response);
		return response;
	}
}

export type ModerationCall =
	| { kind: "kick"; userId: string; reason?: string; seconds?: undefined }
	| { kind: "mute" | "ban"; userId: string; seconds?: number; reason?: string }
	| { kind: "unmute" | "unban"; userId: string; reason?: undefined; seconds?: undefined };

interface RequestOptions {
	body?: unknown;
	/** A body sent as it is (a file), with its content type. */
	raw?: { body: Blob | ArrayBuffer | Uint8Array<ArrayBuffer>; type: string };
	token?: string | undefined;
	/** A chat's invite or owner key, sent as `X-Chat-Key`. */
	key?: string | undefined;
}

function chatPath(chatId: string): string {
	return `/api/chats/${encodeURIComponent(chatId)}`;
}
