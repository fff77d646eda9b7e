import type {
	ChatInfo,
	ChatMessage,
	ChatSettings,
	ErrorCode,
	ErrorFrame,
	HistoryPage,
	IssuedToken,
	PresenceFrame,
	ReadyFrame,
	RotatedKey,
	SessionUser,
	UpdateChatRequest,
	UserRef,
} from "../../worker/protocol/index.ts";
import { limits } from "../../worker/protocol/limits.ts";
import { normalizeLineBreaks } from "../../worker/protocol/text.ts";
import { type BackoffOptions, backoffDelay, defaultBackoff } from "./backoff.ts";
import type {
	ChatClientEvents,
	ChatClientOptions,
	ClientError,
	ClientSocket,
	ConnectionState,
	ReceivedMessage,
	WebSocketClass,
} from "./client-types.ts";
import { Emitter } from "./emitter.ts";
import { encodeClientFrame, newClientId, parseServerFrame } from "./frames.ts";
import { ApiError, ChatApi, type ModerationCall } from "./http-api.ts";
import { Outbox, type PendingSend } from "./outbox.ts";
import { SeqTracker } from "./seq-tracker.ts";
import { TokenKeeper } from "./token-keeper.ts";

/** A send refused with `rate_limited` by a server that names no `retryAfterMs` is tried again after this long. */
const rateLimitRetryMs = 2500;
const tickMs = 1000;
/** Upper bound on HTTP pages fetched to fill a replay gap (200 messages each). */
const gapPagesMax = 500;

const noWebSocket =
	"ChatClient needs a WebSocket, and this runtime has no global one (Node.js before 22). " +
	"Run it with Node.js 22 or newer, or pass an implementation in the `WebSocket` option, " +
	'e.g. the ws package: `import WebSocket from "ws"` (npm install ws), then ' +
	"`new ChatClient({ baseUrl, chatId, name, WebSocket })`.";

/**
 * A connection to one chat: joins with a token, keeps a WebSocket open (reconnecting with
 * jittered backoff and resuming from the last seq seen), delivers every message exactly once
 * (keyed by seq; live ones in order, history pages fill in older ones), and sends with a clientId
 * until the server acknowledges, so nothing typed is lost or doubled across network cuts. Works in
 * browsers and in Node 22+ alike.
 */
export class ChatClient extends Emitter<ChatClientEvents> {
	readonly chatId: string;
	readonly api: ChatApi;

	readonly #tokens: TokenKeeper;
	readonly #WebSocket: WebSocketClass;
	readonly #backoff: BackoffOptions;
	readonly #random: () => number;
	readonly #heartbeatMs: number;
	readonly #heartbeatTimeoutMs: number;
	readonly #ackTimeoutMs: number;
	readonly #typingIntervalMs: number;

	#state: ConnectionState = "idle";
	#socket: ClientSocket | null = null;
	/** Bumped whenever the current connection attempt must be abandoned. */
	#generation = 0;
	#attempt = 0;
	#everLive = false;
	#paused = false;
	#retryTimer: ReturnType<typeof setTimeout> | undefined;
	#tickTimer: ReturnType<typeof setInterval> | undefined;
	#lastReceivedAt = 0;
	#lastPingAt = 0;
	#lastTypingAt = Number.NEGATIVE_INFINITY;

	#ready: ReadyFrame | null = null;
	#firstReady: Promise<ReadyFrame>;
	#settleFirstReady: { resolve: (ready: ReadyFrame) => void; reject: (error: Error) => void };

	readonly #seqs = new SeqTracker();
	readonly #outbox = new Outbox();
	/** Newest seq when we first joined without `since`: history at or below it is paged over HTTP. */
	#baseline = 0;
	#oldestSeq: number | null = null;
	#hasOlder = true;
	#olderInFlight: Promise<HistoryPage> | null = null;
	#online = new Map<string, UserRef>();
	#onlineCount = 0;
	/** The chat's change counter as far as we have seen: a reconnect asks for changes after it. */
	#rev = 0;
	/** The `error` frame a kick, ban or deletion sent just before closing the socket. */
	#farewell: ErrorFrame | null = null;

	constructor(options: ChatClientOptions) {
		super();
		this.chatId = options.chatId;
		this.api = new ChatApi({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
		this.#tokens = new TokenKeeper(
			this.api,
			options.chatId,
			options.name.trim(),
			options.key || undefined,
			options.token,
		);
		this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
		// Node before 22 has no global WebSocket; without this check the first connect would fail
		// later, far from the cause, with "this[#WebSocket] is not a constructor".
		if (typeof this.#WebSocket !== "function") throw new TypeError(noWebSocket);
		this.#backoff = options.backoff ?? defaultBackoff;
		this.#random = options.random ?? Math.random;
		this.#heartbeatMs = options.heartbeatMs ?? 20_000;
		this.#heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 10_000;
		this.#ackTimeoutMs = options.ackTimeoutMs ?? 5000;
		this.#typingIntervalMs = options.typingIntervalMs ?? 2000;
		// Sends written before a reload go out again with their own clientIds: stored once, never twice.
		for (const pending of options.pending ?? [])
			this.#outbox.add(pending.clientId, pending.text, pending.createdAt);
		const { promise, resolve, reject } = withResolvers<ReadyFrame>();
		this.#firstReady = promise;
		this.#settleFirstReady = { resolve, reject };
		// Nobody may be awaiting it when it fails; the `error` event reports the failure anyway.
		promise.catch(() => {});
	}

	get state(): ConnectionState {
		return this.#state;
	}

	/** Who we are in this chat (known once live). */
	get user(): SessionUser | null {
		return this.#ready?.user ?? null;
	}

	get chat(): ChatSettings | null {
		return this.#ready?.chat ?? null;
	}

	get token(): IssuedToken | null {
		return this.#tokens.current;
	}

	get online(): UserRef[] {
		return [...this.#online.values()];
	}

	get onlineCount(): number {
		return this.#onlineCount;
	}

	/** Sends not yet acknowledged by the server, oldest first. */
	get pending(): PendingSend[] {
		return this.#outbox.list();
	}

	/** Whether `loadOlder()` may still find something. */
	get hasOlder(): boolean {
		return this.#hasOlder;
	}

	/** The seq a reconnect resumes from (`since`). */
	get lastSeq(): number {
		return Math.max(this.#baseline, this.#seqs.highest);
	}

	/** Starts connecting; resolves with the first `ready` frame, rejects if the chat refuses us. */
	connect(): Promise<ReadyFrame> {
		if (this.#state === "idle") void this.#open();
		return this.#firstReady;
	}

	/**
	 * Queues `text` and sends it as soon as the link allows, with a fresh clientId, repeating it
	 * until the server echoes it back. Returns the pending entry; its `message` event has `own`
	 * set and the same `clientId`.
	 */
	send(text: string): PendingSend {
		// As the server stores it (docs/API.md, Limits), so the pending text is what the echo says.
		const trimmed = normalizeLineBreaks(text).trim();
		const length = [...trimmed].length;
		if (length === 0 || length > limits.textMax) {
			throw new RangeError(`message text must be 1 to ${limits.textMax} characters`);
		}
		const pending = this.#outbox.add(newClientId(), trimmed, Date.now());
		this.#flushOutbox(Date.now());
		// The message ends the typing it announced: the next keystroke starts a new notice at once.
		this.#lastTypingAt = Number.NEGATIVE_INFINITY;
		return pending;
	}

	/** Tells the room this user is typing; throttled, and dropped when not live (it is ephemeral). */
	typing(): void {
		const now = Date.now();
		if (this.#state !== "live" || now - this.#lastTypingAt < this.#typingIntervalMs) return;
		this.#lastTypingAt = now;
		this.#transmit(encodeClientFrame({ type: "typing" }));
	}

	/**
	 * The page of history before the oldest message delivered so far (the newest messages on the
	 * first call). Its messages also arrive as `message` events with source "history".
	 */
	loadOlder(limit: number = limits.historyPageDefault): Promise<HistoryPage> {
		this.#olderInFlight ??= this.#fetchOlder(limit).finally(() => {
			this.#olderInFlight = null;
		});
		return this.#olderInFlight;
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
		if (this.#state !== "live") throw new ApiError(0, "network", "not connected");
		this.#transmit(encodeClientFrame({ type: "react", seq, emoji }));
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

	#bearer(): string {
		const token = this.#tokens.current;
		if (!token) throw new ApiError(401, "unauthorized", "not joined yet");
		return token.token;
	}

	/**
	 * Changes the display name: the token is refreshed (keeping the user id) and the socket is
	 * replaced, since a socket carries the name it was opened with. The room announces names only
	 * through presence joins and leaves; reconnecting after the usual backoff (250 ms at least by
	 * default, the room's presence window) lets the old socket's leave go out before the new join.
	 */
	rename(name: string): void {
		if (!this.#tokens.rename(name.trim()) || this.#state === "closed") return;
		if (this.#paused) return;
		this.#generation++;
		this.#clearRetry();
		if (this.#socket) this.#dropSocket();
		else void this.#open();
	}

	/** The device lost its network: stop trying until `resume()`. Sends keep queueing. */
	pause(): void {
		if (this.#state === "closed" || this.#state === "idle" || this.#paused) return;
		this.#paused = true;
		this.#generation++;
		this.#clearRetry();
		this.#dropSocket();
		this.#setState("offline");
	}

	/** The network is back: reconnect now, resuming from the last seq seen. */
	resume(): void {
		if (!this.#paused || this.#state === "closed") return;
		this.#paused = false;
		this.#attempt = 0;
		void this.#open();
	}

	/** Leaves the chat for good. Unacknowledged sends are abandoned. */
	close(): void {
		if (this.#state === "closed") return;
		this.#generation++;
		this.#clearRetry();
		this.#stopTick();
		const socket = this.#socket;
		this.#socket = null;
		if (socket) {
			detach(socket);
			socket.close(1000, "bye");
		}
		this.#setState("closed");
		this.#settleFirstReady.reject(new Error("closed"));
	}

	async #open(): Promise<void> {
		this.#clearRetry();
		if (this.#state === "closed" || this.#paused) return;
		const generation = ++this.#generation;
		this.#setState(this.#everLive ? "reconnecting" : "connecting");
		let token: IssuedToken;
		try {
			const { token: current, issued, newSession } = await this.#tokens.ensure();
			token = current;
			if (newSession) {
				const { previous, reason } = newSession;
				this.emit("session", { previousUserId: previous.user.id, user: current.user, reason });
			}
			if (issued) this.emit("token", current);
		} catch (error) {
			if (generation === this.#generation) this.#connectFailed(error);
			return;
		}
		if (generation !== this.#generation) return;

		let socket: ClientSocket;
		try {
			socket = new this.#WebSocket(this.#socketUrl(), socketProtocols(token.token));
		} catch (error) {
			// Only a malformed address throws here (a bad baseUrl): retrying cannot help.
			this.#fail("bad_request", error instanceof Error ? error.message : String(error));
			return;
		}
		this.#socket = socket;
		let readyOnThisSocket = false;
		socket.onopen = () => {
			this.#lastReceivedAt = Date.now();
		};
		socket.onmessage = (event) => {
			if (this.#socket !== socket || typeof event.data !== "string") return;
			this.#lastReceivedAt = Date.now();
			if (this.#onText(event.data)) readyOnThisSocket = true;
		};
		socket.onclose = (event) => {
			if (this.#socket !== socket) return;
			this.#socket = null;
			// Kicked (4001), banned (4003), chat deleted (4004): reconnecting would undo a kick and
			// fail anyway otherwise, so the client stops and says why.
			const ended = endedBy[event.code];
			if (ended) {
				this.#fail(ended, this.#farewell?.message ?? event.reason);
				return;
			}
			// A refused upgrade (401: expired or foreign token) is invisible to WebSocket clients; it
			// looks like a socket that closed before `ready`. Refreshing the token costs one request.
			if (!readyOnThisSocket) this.#tokens.markStale();
			this.#socketLost();
		};
		// Every error is followed by a close event, which does the work.
		socket.onerror = () => {};
	}

	#connectFailed(error: unknown): void {
		if (error instanceof ApiError && !error.retryable) {
			this.#fail(error.code, error.message);
			return;
		}
		const message = error instanceof Error ? error.message : String(error);
		this.emit("error", { code: "network", message, fatal: false });
		this.#scheduleRetry();
	}

	#fail(code: ErrorCode | "network", message: string): void {
		this.#settleFirstReady.reject(new ApiError(0, code, message));
		this.close();
		this.emit("error", { code, message, fatal: true });
	}

	/** No secret goes in the URL: the token travels as a subprotocol (see `socketProtocols`). */
	#socketUrl(): string {
		const url = new URL(`/api/chats/${encodeURIComponent(this.chatId)}/ws`, this.api.baseUrl);
		url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
		// The first join needs no replay: older history is paged over HTTP on demand.
		if (this.#everLive) {
			url.searchParams.set("since", String(this.lastSeq));
			// And every message changed meanwhile (edited, deleted, reactions), after the missed ones.
			url.searchParams.set("rev", String(this.#rev));
		}
		return url.href;
	}

	/** Returns true when the text was the `ready` frame. */
	#onText(text: string): boolean {
		const frame = parseServerFrame(text);
		if (!frame) return false;
		switch (frame.type) {
			case "ready":
				this.#onReady(frame);
				return true;
			case "message":
				this.#seeRev(frame.rev);
				this.#deliver(frame.message, "live");
				break;
			case "edited":
				this.#seeRev(frame.rev);
				this.emit("edited", { message: frame.message });
				break;
			case "reactions":
				this.#seeRev(frame.rev);
				this.emit("reactions", { seq: frame.seq, reactions: frame.reactions });
				break;
			case "moderation":
				this.emit("moderation", frame);
				break;
			case "chat":
				if (this.#ready) this.#ready = { ...this.#ready, chat: frame.chat };
				this.emit("chat", frame.chat);
				break;
			case "presence":
				this.#onPresence(frame);
				break;
			case "typing":
				if (frame.user.id !== this.user?.id) this.emit("typing", frame.user);
				break;
			case "deleted":
				this.#seeRev(frame.rev);
				this.emit("deleted", { seq: frame.seq });
				break;
			case "error":
				this.#onErrorFrame(frame);
				break;
		}
		return false;
	}

	#onReady(frame: ReadyFrame): void {
		const resumed = this.#everLive;
		this.#everLive = true;
		this.#attempt = 0;
		this.#ready = frame;
		this.#rev = Math.max(this.#rev, frame.rev);
		if (!resumed) this.#baseline = frame.lastSeq;
		this.#online = new Map(frame.online.map((user) => [user.id, user]));
		this.#onlineCount = frame.onlineCount;
		this.#lastPingAt = Date.now();
		this.#setState("live");
		this.emit("ready", frame);
		this.emit("presence", { online: this.online, count: this.#onlineCount, joined: [], left: [] });
		this.#startTick();
		this.#flushOutbox(Date.now());
		this.#settleFirstReady.resolve(frame);
		const replay = frame.replay;
		if (replay && replay.replayed < replay.missed && replay.firstSeq !== null) {
			void this.#fillGap(replay.since, replay.firstSeq);
		}
	}

	#deliver(message: ChatMessage, source: ReceivedMessage["source"]): void {
		const own = message.user.id === this.user?.id;
		if (own && message.clientId !== undefined) this.#outbox.acknowledge(message.clientId);
		if (!this.#seqs.accept(message.seq)) return;
		this.emit("message", { message, source, own });
	}

	#onPresence(frame: PresenceFrame): void {
		for (const user of frame.left) this.#online.delete(user.id);
		for (const user of frame.joined) this.#online.set(user.id, user);
		this.#onlineCount = frame.online;
		this.emit("presence", {
			online: this.online,
			count: frame.online,
			joined: frame.joined,
			left: frame.left,
		});
	}

	#seeRev(rev: number | undefined): void {
		if (rev !== undefined && rev > this.#rev) this.#rev = rev;
	}

	#onErrorFrame(frame: ErrorFrame): void {
		// Kicked, banned, chat deleted: the server closes the socket right after this frame. Stop now
		// (some clients see that close late, behind a proxy), and never reconnect on our own.
		if (frame.code === "kicked" || frame.code === "banned" || frame.code === "chat_deleted") {
			this.#farewell = frame;
			this.#fail(frame.code, frame.message);
			return;
		}
		const { clientId } = frame;
		if (clientId !== undefined) {
			const pending = this.#outbox.list().find((entry) => entry.clientId === clientId);
			// Slow mode, like a rate limit, says when to try again: the send waits, it is not refused.
			if (pending && (frame.code === "rate_limited" || frame.code === "slow_mode")) {
				this.#outbox.defer(clientId, Date.now(), frame.retryAfterMs ?? rateLimitRetryMs);
			} else if (pending) {
				this.#outbox.drop(clientId);
				this.emit("rejected", { pending, code: frame.code, message: frame.message });
			}
		}
		const error: ClientError = { code: frame.code, message: frame.message, fatal: false };
		if (clientId !== undefined) error.clientId = clientId;
		this.emit("error", error);
	}

	async #fetchOlder(limit: number): Promise<HistoryPage> {
		await this.#firstReady;
		const before = this.#oldestSeq ?? this.#baseline + 1;
		if (!this.#hasOlder || before <= 1) {
			this.#hasOlder = false;
			return { messages: [], hasMore: false };
		}
		const page = await this.api.history(this.chatId, { before, limit }, this.#tokens.current?.token);
		for (const message of page.messages) this.#deliver(message, "history");
		this.#oldestSeq = page.messages[0]?.seq ?? before;
		this.#hasOlder = page.hasMore && this.#oldestSeq > 1;
		return page;
	}

	/** The replay after a long absence was capped: page the rest of the gap over HTTP. */
	async #fillGap(since: number, firstReplayed: number): Promise<void> {
		let after = since;
		for (let page = 0; page < gapPagesMax; page++) {
			let result: HistoryPage;
			try {
				result = await this.api.history(
					this.chatId,
					{ after, before: firstReplayed, limit: limits.historyPageMax },
					this.#tokens.current?.token,
				);
			} catch (error) {
				const message = error instanceof Error ? error.message : String(error);
				this.emit("error", {
					code: "network",
					message: `missed messages not loaded: ${message}`,
					fatal: false,
				});
				return;
			}
			for (const message of result.messages) this.#deliver(message, "history");
			const last = result.messages.at(-1);
			if (!result.hasMore || !last) return;
			after = last.seq;
		}
	}

	#flushOutbox(now: number): void {
		if (this.#state !== "live") return;
		for (const pending of this.#outbox.due(now, this.#ackTimeoutMs)) {
			const frame = encodeClientFrame({ type: "send", text: pending.text, clientId: pending.clientId });
			if (!this.#transmit(frame)) return;
			this.#outbox.markSent(pending.clientId, now);
		}
	}

	#transmit(text: string): boolean {
		const socket = this.#socket;
		if (!socket || socket.readyState !== this.#WebSocket.OPEN) return false;
		socket.send(text);
		return true;
	}

	#tick(): void {
		const now = Date.now();
		if (now - this.#lastReceivedAt > this.#heartbeatMs + this.#heartbeatTimeoutMs) {
			// A cut network often produces no close event for minutes: silence is the only signal.
			this.#dropSocket();
			return;
		}
		if (now - this.#lastPingAt >= this.#heartbeatMs) {
			this.#lastPingAt = now;
			this.#transmit("ping");
		}
		this.#flushOutbox(now);
	}

	/** Abandons the current socket at once (without waiting for a close handshake that may never come). */
	#dropSocket(): void {
		const socket = this.#socket;
		if (!socket) return;
		this.#socket = null;
		detach(socket);
		try {
			socket.close(4000, "link lost");
		} catch {
			// Closing a socket that never opened can throw in some runtimes; it is gone either way.
		}
		this.#socketLost();
	}

	#socketLost(): void {
		this.#stopTick();
		this.#outbox.socketLost();
		if (this.#state === "closed" || this.#paused) return;
		this.#scheduleRetry();
	}

	#scheduleRetry(): void {
		this.#clearRetry();
		const delay = backoffDelay(this.#attempt++, this.#random, this.#backoff);
		this.#setState(this.#everLive ? "reconnecting" : "connecting", delay);
		this.#retryTimer = setTimeout(() => void this.#open(), delay);
	}

	#clearRetry(): void {
		if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
		this.#retryTimer = undefined;
	}

	#startTick(): void {
		this.#stopTick();
		this.#tickTimer = setInterval(() => this.#tick(), tickMs);
	}

	#stopTick(): void {
		if (this.#tickTimer !== undefined) clearInterval(this.#tickTimer);
		this.#tickTimer = undefined;
	}

	#setState(state: ConnectionState, retryInMs?: number): void {
		if (state === this.#state && retryInMs === undefined) return;
		this.#state = state;
		this.emit("state", retryInMs === undefined ? { state } : { state, retryInMs });
	}
}

/**
 * A WebSocket cannot carry headers from a browser, so the token rides in the subprotocol list; the
 * server answers with `edgechat.v1` alone and never echoes it (docs/API.md).
 */
function socketProtocols(token: string): string[] {
	return ["edgechat.v1", `edgechat.token.${token}`];
}

function detach(socket: ClientSocket): void {
	socket.onopen = null;
	socket.onmessage = null;
	socket.onclose = null;
	socket.onerror = null;
}

/** `Promise.withResolvers`, which is newer than the es2023 library this code is typed against. */
function withResolvers<T>(): {
	promise: Promise<T>;
	resolve: (value: T) => void;
	reject: (error: Error) => void;
} {
	let resolve: (value: T) => void = () => {};
	let reject: (error: Error) => void = () => {};
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

/** Close codes that end the client for good (see docs/API.md). */
const endedBy: Partial<Record<number, ErrorCode>> = { 4001: "kicked", 4003: "banned", 4004: "chat_deleted" };
