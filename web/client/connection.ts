import type { ErrorCode } from "../../worker/protocol/index.ts";
import { type BackoffOptions, backoffDelay, defaultBackoff } from "./backoff.ts";
import type {
	ChatClientEvents,
	ChatClientOptions,
	ClientSocket,
	ConnectionState,
	WebSocketClass,
} from "./client-types.ts";
import type { Emit } from "./emitter.ts";
import { ApiError } from "./http-api.ts";

const tickMs = 1000;

const noWebSocket =
	"ChatClient needs a WebSocket, and this runtime has no global one (Node.js before 22). " +
	"Run it with Node.js 22 or newer, or pass an implementation in the `WebSocket` option, " +
	'e.g. the ws package: `import WebSocket from "ws"` (npm install ws), then ' +
	"`new ChatClient({ baseUrl, chatId, name, WebSocket })`.";

/** The client's options that shape its connection (see ChatClientOptions), unset ones defaulted. */
export type ConnectionOptions = Pick<
	ChatClientOptions,
	"WebSocket" | "backoff" | "random" | "heartbeatMs" | "heartbeatTimeoutMs"
>;

/** What the connection asks of the client around it. */
export interface ConnectionHooks {
	/** The address of the next socket (a reconnect says where to resume). */
	url(): string;
	/** The subprotocols of the next socket; may ask the server for a token first, and throw. */
	protocols(): Promise<string[]>;
	/** A text frame from the current socket. */
	received(text: string): void;
	/** The socket closed before `ready`; true asks for the next attempt at once rather than after a backoff. */
	refused(): boolean;
	/** The socket is gone: what was sent on it and not acknowledged must go again. */
	lost(): void;
	/** Once a second while live, after the heartbeat. */
	tick(now: number): void;
	/** The chat refused us for good (or ended for us): the client must stop. */
	ended(code: ErrorCode | "network", message: string): void;
}

/**
 * The socket's lifecycle: opening it, noticing a dead link by its silence, and opening the next
 * one after a jittered backoff, until paused or closed. What travels on it is the client's affair.
 */
export class Connection {
	readonly #WebSocket: WebSocketClass;
	readonly #backoff: BackoffOptions;
	readonly #random: () => number;
	readonly #heartbeatMs: number;
	readonly #heartbeatTimeoutMs: number;
	readonly #hooks: ConnectionHooks;
	readonly #emit: Emit<ChatClientEvents>;

	#state: ConnectionState = "idle";
	#socket: ClientSocket | null = null;
	/** Bumped whenever the current connection attempt must be abandoned. */
	#generation = 0;
	#attempt = 0;
	#everLive = false;
	#paused = false;
	/** The current socket brought `ready`: a close is a lost link, not a refusal. */
	#readyOnSocket = false;
	#retryTimer: ReturnType<typeof setTimeout> | undefined;
	#tickTimer: ReturnType<typeof setInterval> | undefined;
	#lastReceivedAt = 0;
	#lastPingAt = 0;

	constructor(options: ConnectionOptions, hooks: ConnectionHooks, emit: Emit<ChatClientEvents>) {
		this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
		// Node before 22 has no global WebSocket; without this check the first connect would fail
		// later, far from the cause, with "WebSocket is not a constructor".
		if (typeof this.#WebSocket !== "function") throw new TypeError(noWebSocket);
		this.#backoff = options.backoff ?? defaultBackoff;
		this.#random = options.random ?? Math.random;
		this.#heartbeatMs = options.heartbeatMs ?? 20_000;
		this.#heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 10_000;
		this.#hooks = hooks;
		this.#emit = emit;
	}

	get state(): ConnectionState {
		return this.#state;
	}

	/** Whether a socket was ever live: the next one resumes rather than joins. */
	get everLive(): boolean {
		return this.#everLive;
	}

	start(): void {
		if (this.#state === "idle") void this.#open();
	}

	/** The current socket's `ready` arrived. */
	live(): void {
		this.#everLive = true;
		this.#readyOnSocket = true;
		this.#attempt = 0;
		this.#lastPingAt = Date.now();
		this.#setState("live");
		this.#startTick();
	}

	/** Puts `text` on the socket if it is open; false otherwise. */
	send(text: string): boolean {
		const socket = this.#socket;
		if (!socket || socket.readyState !== this.#WebSocket.OPEN) return false;
		socket.send(text);
		return true;
	}

	/** The socket must be replaced (it carries what it was opened with): after the usual backoff. */
	replace(): void {
		if (this.#state === "closed" || this.#paused) return;
		this.#generation++;
		this.#clearRetry();
		if (this.#socket) this.#dropSocket();
		else void this.#open();
	}

	pause(): void {
		if (this.#state === "closed" || this.#state === "idle" || this.#paused) return;
		this.#paused = true;
		this.#generation++;
		this.#clearRetry();
		this.#dropSocket();
		this.#setState("offline");
	}

	resume(): void {
		if (!this.#paused || this.#state === "closed") return;
		this.#paused = false;
		this.#attempt = 0;
		void this.#open();
	}

	/** Returns false if it was closed already. */
	close(): boolean {
		if (this.#state === "closed") return false;
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
		return true;
	}

	async #open(): Promise<void> {
		this.#clearRetry();
		if (this.#state === "closed" || this.#paused) return;
		const generation = ++this.#generation;
		this.#setState(this.#everLive ? "reconnecting" : "connecting");
		let protocols: string[];
		try {
			protocols = await this.#hooks.protocols();
		} catch (error) {
			if (generation === this.#generation) this.#connectFailed(error);
			return;
		}
		if (generation !== this.#generation) return;

		let socket: ClientSocket;
		try {
			socket = new this.#WebSocket(this.#hooks.url(), protocols);
		} catch (error) {
			// Only a malformed address throws here (a bad baseUrl): retrying cannot help.
			this.#hooks.ended("bad_request", error instanceof Error ? error.message : String(error));
			return;
		}
		this.#socket = socket;
		this.#readyOnSocket = false;
		socket.onopen = () => {
			this.#lastReceivedAt = Date.now();
		};
		socket.onmessage = (event) => {
			if (this.#socket !== socket || typeof event.data !== "string") return;
			this.#lastReceivedAt = Date.now();
			this.#hooks.received(event.data);
		};
		socket.onclose = (event) => {
			if (this.#socket !== socket) return;
			this.#socket = null;
			// Kicked (4001), banned (4003), chat deleted (4004): reconnecting would undo a kick and
			// fail anyway otherwise, so the client stops and says why.
			const ended = endedBy[event.code];
			if (ended) {
				this.#hooks.ended(ended, event.reason);
				return;
			}
			// A refused upgrade is invisible to WebSocket clients: it looks like a socket that closed before `ready`.
			this.#socketLost(!this.#readyOnSocket && this.#hooks.refused());
		};
		// Every error is followed by a close event, which does the work.
		socket.onerror = () => {};
	}

	#connectFailed(error: unknown): void {
		if (error instanceof ApiError && !error.retryable) {
			this.#hooks.ended(error.code, error.message);
			return;
		}
		const message = error instanceof Error ? error.message : String(error);
		this.#emit("error", { code: "network", message, fatal: false });
		this.#scheduleRetry();
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
			this.send("ping");
		}
		this.#hooks.tick(now);
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
		this.#socketLost(false);
	}

	#socketLost(retryAtOnce: boolean): void {
		this.#stopTick();
		this.#hooks.lost();
		if (this.#state === "closed" || this.#paused) return;
		if (retryAtOnce) void this.#open();
		else this.#scheduleRetry();
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
		this.#emit("state", retryInMs === undefined ? { state } : { state, retryInMs });
	}
}

function detach(socket: ClientSocket): void {
	socket.onopen = null;
	socket.onmessage = null;
	socket.onclose = null;
	socket.onerror = null;
}

/** Close codes that end the client for good (see docs/API.md). */
const endedBy: Partial<Record<number, ErrorCode>> = { 4001: "kicked", 4003: "banned", 4004: "chat_deleted" };
