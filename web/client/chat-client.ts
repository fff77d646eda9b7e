import type {
	ChatInfo,
	ChatMessage,
	ChatSettings,
	ErrorCode,
	FileInfo,
	IssuedToken,
	ReadyFrame,
	RotatedKey,
	SessionUser,
	UpdateChatRequest,
	UserRef,
} from "../../worker/protocol/index.ts";
import { limits } from "../../worker/protocol/limits.ts";
import { normalizeLineBreaks } from "../../worker/protocol/text.ts";
import type {
	ChatClientEvents,
	ChatClientOptions,
	ClientMessage,
	ClientPage,
	ConnectionState,
	SearchOptions,
} from "./client-types.ts";
import { Connection } from "./connection.ts";
import { withResolvers } from "./deferred.ts";
import { type Emit, Emitter } from "./emitter.ts";
import { encodeClientFrame } from "./frames.ts";
import { HistoryPager } from "./history-pager.ts";
import { ApiError, ChatApi, type ModerationCall } from "./http-api.ts";
import { MessageFinder } from "./message-finder.ts";
import type { PendingSend, SendExtras } from "./outbox.ts";
import { RoomState } from "./room-state.ts";
import { Sender } from "./sender.ts";
import { socketUrl } from "./socket-offer.ts";
import { TokenKeeper } from "./token-keeper.ts";

/**
 * A connection to one chat: joins (a first visit in one request, its token coming in `ready`),
 * keeps a WebSocket open (reconnecting with jittered backoff and resuming from the last seq seen),
 * delivers every message exactly once (keyed by seq; live ones in order, history pages fill in
 * older ones), and sends with a clientId until the server acknowledges, so nothing typed is lost
 * or doubled across network cuts. Works in browsers and in Node 22+ alike.
 *
 * It composes one part per job: the socket's lifecycle (connection.ts), what comes in on it
 * (room-state.ts), what goes out (sender.ts), history over HTTP (history-pager.ts), searches and
 * context (message-finder.ts) and the token (token-keeper.ts).
 */
export class ChatClient extends Emitter<ChatClientEvents> {
	readonly chatId: string;
	readonly api: ChatApi;

	readonly #tokens: TokenKeeper;
	readonly #connection: Connection;
	readonly #sender: Sender;
	readonly #room: RoomState;
	readonly #pager: HistoryPager;
	readonly #finder: MessageFinder;
	readonly #firstReady: Promise<ReadyFrame>;
	readonly #settleFirstReady: { resolve: (ready: ReadyFrame) => void; reject: (error: Error) => void };

	constructor(options: ChatClientOptions) {
		super();
		this.chatId = options.chatId;
		this.api = new ChatApi({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
		this.#tokens = new TokenKeeper(this.api, options);
		const emit: Emit<ChatClientEvents> = (type, detail) => this.emit(type, detail);
		const ended = (code: ErrorCode | "network", message: string) => this.#fail(code, message);
		this.#connection = new Connection(
			options,
			{
				url: () => socketUrl(this.api.baseUrl, this.chatId, this.#resumeFrom()),
				protocols: () => this.#offer(),
				received: (text) => this.#room.received(text),
				refused: () => this.#tokens.refused(),
				lost: () => this.#sender.socketLost(),
				tick: (now) => this.#sender.flush(now),
				ended,
			},
			emit,
		);
		this.#sender = new Sender(options, {
			live: () => this.#connection.state === "live",
			transmit: (text) => this.#connection.send(text),
			emit,
		});
		this.#room = new RoomState(emit, this.#sender, { ready: (frame) => this.#onReady(frame), ended });
		const token = () => this.#tokens.current?.token;
		this.#pager = new HistoryPager({
			api: this.api,
			chatId: options.chatId,
			token,
			joined: () => this.#firstReady,
			baseline: () => this.#room.baseline,
			deliver: (message, source) => this.#room.deliver(message, source),
			emit,
		});
		this.#finder = new MessageFinder(this.api, options.chatId, token, this.#room.quotes, () => this.user?.id);
		const { promise, resolve, reject } = withResolvers<ReadyFrame>();
		this.#firstReady = promise;
		this.#settleFirstReady = { resolve, reject };
		// Nobody may be awaiting it when it fails; the `error` event reports the failure anyway.
		promise.catch(() => {});
	}

	get state(): ConnectionState {
		return this.#connection.state;
	}

	/** Who we are in this chat (known once live). */
	get user(): SessionUser | null {
		return this.#room.user;
	}

	get chat(): ChatSettings | null {
		return this.#room.chat;
	}

	get token(): IssuedToken | null {
		return this.#tokens.current;
	}

	get online(): UserRef[] {
		return this.#room.online;
	}

	get onlineCount(): number {
		return this.#room.onlineCount;
	}

	/** Sends not yet acknowledged by the server, oldest first. */
	get pending(): PendingSend[] {
		return this.#sender.pending;
	}

	/** Whether `loadOlder()` may still find something. */
	get hasOlder(): boolean {
		return this.#pager.hasOlder;
	}

	/** The seq a reconnect resumes from (`since`). */
	get lastSeq(): number {
		return this.#room.lastSeq;
	}

	/** Starts connecting; resolves with the first `ready` frame, rejects if the chat refuses us. */
	connect(): Promise<ReadyFrame> {
		this.#connection.start();
		return this.#firstReady;
	}

	/**
	 * Queues `text` and sends it as soon as the link allows, with a fresh clientId, repeating it
	 * until the server echoes it back. Returns the pending entry; its `message` event has `own`
	 * set and the same `clientId`. `extras`: files from `uploadFile` (then `text` may be empty),
	 * the seq it answers (`replyTo`), the ids of users it mentions; every repeat carries them.
	 */
	send(text: string, extras?: SendExtras): PendingSend {
		return this.#sender.send(text, extras);
	}

	/** Uploads an image (PNG, JPEG, GIF or WebP, at most 5 MiB) to attach to a `send` within the hour. */
	uploadFile(body: Blob | ArrayBuffer | Uint8Array, type: string): Promise<FileInfo> {
		return this.api.uploadFile(this.chatId, this.#bearer(), body, type);
	}

	/** Tells the room this user is typing; throttled, and dropped when not live (it is ephemeral). */
	typing(): void {
		this.#sender.typing();
	}

	/**
	 * The page of history before the oldest message delivered so far (the newest messages on the
	 * first call), marked like `message` events; they also arrive as such, with source "history".
	 */
	loadOlder(limit: number = limits.historyPageDefault): Promise<ClientPage> {
		return this.#pager.loadOlder(limit);
	}

	/** Messages holding every word of `q` (the last also as a prefix), newest first; not delivered as events. */
	search(q: string, options?: SearchOptions): Promise<ClientPage> {
		return this.#finder.search(q, options);
	}

	/** The message `seq` and up to `count` on each side of it, oldest first, to show it in context. */
	messagesAround(seq: number, count: number = limits.historyPageDefault): Promise<ClientMessage[]> {
		return this.#finder.around(seq, count);
	}

	/** Your own message, or anyone's for the owner and moderators; every client gets `deleted`. */
	async deleteMessage(seq: number): Promise<void> {
		await this.api.deleteMessage(this.chatId, this.#bearer(), seq);
	}

	/** Replaces the text of your own message; every client gets an `edited` event. */
	editMessage(seq: number, text: string): Promise<ChatMessage> {
		return this.api.editMessage(this.chatId, this.#bearer(), seq, normalizeLineBreaks(text));
	}

	/** Toggles your reaction; every client gets a `reactions` event. Needs a live socket. */
	react(seq: number, emoji: string): void {
		if (this.state !== "live") throw new ApiError(0, "network", "not connected");
		this.#connection.send(encodeClientFrame({ type: "react", seq, emoji }));
	}

	/** Owner or moderator: kick, mute, ban (optionally for `seconds`, with a `reason`), unmute, unban. */
	moderate(action: ModerationCall): Promise<void> {
		return this.api.moderate(this.chatId, this.#bearer(), action);
	}

	/** Owner only: makes a user a moderator, or takes the role back. */
	setModerator(userId: string, on: boolean): Promise<void> {
		return this.api.setModerator(this.chatId, this.#bearer(), userId, on);
	}

	/** Owner only: name, visibility, slowModeSeconds, readOnly. */
	updateChat(change: UpdateChatRequest): Promise<ChatInfo> {
		return this.api.updateChat(this.chatId, this.#bearer(), change);
	}

	/** Owner only: a new invite or owner key (shown once); the old one stops working at once. */
	rotateKey(which: "invite" | "owner"): Promise<RotatedKey> {
		return this.api.rotateKey(this.chatId, this.#bearer(), which);
	}

	/** Owner only: erases the chat; everyone's socket closes and the client stops. */
	deleteChat(): Promise<void> {
		return this.api.deleteChat(this.chatId, this.#bearer());
	}

	/**
	 * Changes the display name: the token is refreshed (keeping the user id) and the socket is
	 * replaced, since a socket carries the name it was opened with. The room announces names only
	 * through presence joins and leaves; reconnecting after the usual backoff (250 ms at least by
	 * default, the room's presence window) lets the old socket's leave go out before the new join.
	 */
	rename(name: string): void {
		if (this.#tokens.rename(name.trim())) this.#connection.replace();
	}

	/** The device lost its network: stop trying until `resume()`. Sends keep queueing. */
	pause(): void {
		this.#connection.pause();
	}

	/** The network is back: reconnect now, resuming from the last seq seen. */
	resume(): void {
		this.#connection.resume();
	}

	/** Leaves the chat for good. Unacknowledged sends are abandoned. */
	close(): void {
		if (this.#connection.close()) this.#settleFirstReady.reject(new Error("closed"));
	}

	#bearer(): string {
		const token = this.#tokens.current;
		if (!token) throw new ApiError(401, "unauthorized", "not joined yet");
		return token.token;
	}

	/** What the next socket offers; a token issued or refreshed on the way is announced. */
	async #offer(): Promise<string[]> {
		const { protocols, token, issued, newSession } = await this.#tokens.offer();
		if (token && newSession) {
			const { previous, reason } = newSession;
			this.emit("session", { previousUserId: previous.user.id, user: token.user, reason });
		}
		if (token && issued) this.emit("token", token);
		return protocols;
	}

	#resumeFrom(): { since: number; rev: number } | null {
		return this.#connection.everLive ? { since: this.lastSeq, rev: this.#room.rev } : null;
	}

	#onReady(frame: ReadyFrame): void {
		// A first visit joined by name: the object that admitted the socket issued our token.
		if (frame.token) {
			this.#tokens.adopt(frame.token);
			this.emit("token", frame.token);
		}
		this.#connection.live();
		this.emit("ready", frame);
		this.emit("presence", this.#room.presence());
		this.#sender.flush(Date.now());
		this.#settleFirstReady.resolve(frame);
		const replay = frame.replay;
		if (replay && replay.replayed < replay.missed && replay.firstSeq !== null) {
			void this.#pager.fillGap(replay.since, replay.firstSeq);
		}
	}

	#fail(code: ErrorCode | "network", message: string): void {
		this.#settleFirstReady.reject(new ApiError(0, code, message));
		this.close();
		this.emit("error", { code, message, fatal: true });
	}
}
