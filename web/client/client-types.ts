import type {
	ChatMessage,
	ChatSettings,
	ErrorCode,
	IssuedToken,
	ModerationFrame,
	ReactionCount,
	ReadyFrame,
	SessionUser,
	UserRef,
} from "../../worker/protocol/index.ts";
import type { BackoffOptions } from "./backoff.ts";
import type { PendingSend } from "./outbox.ts";
import type { QuoteChange } from "./reply-quotes.ts";

/**
 * - `connecting`: the first connection is being made.
 * - `live`: the room's `ready` frame arrived; messages flow.
 * - `reconnecting`: the link dropped; retrying with backoff (sends wait in the outbox).
 * - `offline`: paused by `pause()` (the device has no network); `resume()` reconnects at once.
 * - `closed`: `close()` was called, or the chat refused us for good (see the `error` event).
 */
export type ConnectionState = "idle" | "connecting" | "live" | "reconnecting" | "offline" | "closed";

export interface StateChange {
	state: ConnectionState;
	/** While reconnecting: milliseconds until the next attempt. */
	retryInMs?: number;
}

/** A message as the client delivers it: the server's, marked when it mentions this client's user. */
export type ClientMessage = ChatMessage & {
	/** Present (true) when this client's user is among the message's `mentions`. */
	mentionsMe?: true;
};

/** A page of messages as the client returns it (history, search), each marked like a `message` event's. */
export interface ClientPage {
	messages: ClientMessage[];
	/** More exist beyond this page. */
	hasMore: boolean;
}

export interface ReceivedMessage {
	message: ClientMessage;
	/** `live`: from the socket (including the replay after a reconnect); `history`: an HTTP page. */
	source: "live" | "history";
	/** Sent by this user (from this tab or another one with the same identity). */
	own: boolean;
}

export interface PresenceChange {
	/** Who is online (at most `limits.onlineListMax` listed by the server on connect). */
	online: UserRef[];
	/** Exact number of users online. */
	count: number;
	joined: UserRef[];
	left: UserRef[];
}

export interface NewSession {
	/** Who the saved token said we were. */
	previousUserId: string;
	/** Who we are now. */
	user: SessionUser;
	/** The server's words for the refusal. */
	reason: string;
}

export interface ClientError {
	code: ErrorCode | "network";
	message: string;
	/** The client stopped: nothing will be retried. */
	fatal: boolean;
	clientId?: string;
}

export interface RejectedSend {
	pending: PendingSend;
	code: ErrorCode;
	message: string;
}

export interface ChatClientEvents {
	state: StateChange;
	ready: ReadyFrame;
	/** A token was issued or refreshed: persist it to keep the same identity next time. */
	token: IssuedToken;
	/**
	 * The saved token's session was over (its refresh was refused with 401, e.g. it began more than
	 * SESSION_MAX_AGE_SECONDS ago): the client began a new session without it, under a new user id.
	 */
	session: NewSession;
	message: ReceivedMessage;
	deleted: { seq: number };
	/**
	 * A reply's quote changed: the message it answers was deleted (right after that `deleted`
	 * event), so the quote is `{seq, user, deleted: true}`. For every reply the client delivered,
	 * found by `search` or loaded by `messagesAround`.
	 */
	quote: QuoteChange;
	/** A message's new text (its latest state), live or caught up on after a reconnect. */
	edited: { message: ClientMessage };
	reactions: { seq: number; reactions: ReactionCount[] };
	/** Someone was kicked, muted, unmuted, banned or unbanned (to say "X was muted"). */
	moderation: ModerationFrame;
	/** The chat's settings changed (name, visibility, slow mode, read-only). */
	chat: ChatSettings;
	presence: PresenceChange;
	typing: UserRef;
	/** A send the server refused for good (bad text, too large); it will not be retried. */
	rejected: RejectedSend;
	error: ClientError;
}

/** A page of `search`: `before` for older results (the last result's seq), `limit` 1–100. */
export interface SearchOptions {
	before?: number;
	limit?: number;
}

export interface ChatClientOptions {
	/** Origin of the edgechat service, e.g. `http://127.0.0.1:8787` (in a page: `location.origin`). */
	baseUrl: string;
	chatId: string;
	/** Display name, 1..32 characters. */
	name: string;
	/** Invite key (private chats) or owner key (owner role). */
	key?: string | undefined;
	/** A token this chat issued before (even expired): refreshed so the user keeps the same id. */
	token?: IssuedToken | null | undefined;
	/** Sends left unacknowledged by an earlier page (e.g. before a reload): sent again, same clientIds. */
	pending?: readonly PendingSend[] | undefined;
	fetch?: typeof fetch;
	/**
	 * Defaults to the global `WebSocket` (browsers, Node 22+). On Node 20, pass the `ws` package's:
	 * `import WebSocket from "ws"`.
	 */
	WebSocket?: WebSocketClass;
	backoff?: BackoffOptions;
	random?: () => number;
	/** A `ping` goes out this often when live; silence for this plus `heartbeatTimeoutMs` means a dead link. */
	heartbeatMs?: number;
	heartbeatTimeoutMs?: number;
	/** An unacknowledged send is repeated (same clientId) after this long. */
	ackTimeoutMs?: number;
	/** At most one `typing` frame per this interval. */
	typingIntervalMs?: number;
}

/**
 * What ChatClient uses of a WebSocket class. The browser's and Node 22+'s global `WebSocket` and
 * the `ws` package's both fit; their own types differ only in parts the client never touches.
 */
export interface WebSocketClass {
	new (url: string, protocols: string[]): ClientSocket;
	readonly OPEN: number;
}

export interface ClientSocket {
	readonly readyState: number;
	onopen: SocketHandler<unknown> | null;
	onmessage: SocketHandler<{ data: unknown }> | null;
	onclose: SocketHandler<{ code: number; reason: string }> | null;
	onerror: SocketHandler<unknown> | null;
	send(text: string): void;
	close(code?: number, reason?: string): void;
}

/**
 * A handler compared bivariantly, as methods are: the DOM's handlers take its `Event` types and
 * `ws`'s take its own, and each must fit where the client assigns one taking the part it reads.
 */
type SocketHandler<E> = { handle(event: E): void }["handle"];
