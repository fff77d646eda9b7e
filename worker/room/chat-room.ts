import { DurableObject } from "cloudflare:workers";
import { readSettings, type Settings } from "../config";
import { directoryStub } from "../directory/chat-directory";
import {
	type ChatMessage,
	type ClientFrame,
	type HistoryPage,
	limits,
	PING,
	PONG,
	type ServerFrame,
	type SessionUser,
	sessionUser,
	type UserRef,
} from "../protocol";
import { broadcast, sendFrame } from "./broadcast";
import { parseClientFrame } from "./client-frames";
import { Conversation, type PostOutcome, type Replay } from "./conversation";
import type { PageQuery } from "./message-log";
import { Presence } from "./presence";
import type { RoomInit } from "./room-record";
import { readAttachment, type SocketAttachment, writeAttachment } from "./socket-attachment";

/** Header carrying the verified user from the Worker to the room; the room is reachable only through the Worker. */
export const userHeader = "x-edgechat-user";

export type PostResult =
	| Exclude<PostOutcome, { kind: "created" }>
	| { kind: "created"; message: ChatMessage };

export interface RoomDiagnostics {
	connections: number;
	online: number;
	lastSeq: number;
	storedMessages: number;
	/** How many times this room was constructed (woken) since it was created. */
	wakes: number;
	instanceStartedAt: number;
}

const trimBatch = 5000;
const typingIntervalMs = 1500;

/**
 * One chat. Sockets are accepted with the hibernation API, so an idle room costs nothing: pings are
 * answered by the runtime, and per-socket state lives in attachments rather than memory.
 */
export class ChatRoom extends DurableObject<Env> {
	private readonly settings: Settings;
	private readonly conversation: Conversation;
	private readonly presence: Presence;
	private readonly startedAt = Date.now();
	/** Open sockets; rebuilt from the runtime on first use after a wake-up. */
	private socketSet: Set<WebSocket> | null = null;
	private readonly departed = new WeakSet<WebSocket>();
	private readonly lastTyping = new Map<string, number>();
	private alarmAt: number | null = null;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.settings = readSettings(env);
		this.conversation = new Conversation(ctx.storage.sql, this.settings);
		this.presence = new Presence(this.settings.presenceWindowMs, (frame) => this.broadcast(frame));
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
		ctx.blockConcurrencyWhile(async () => {
			this.conversation.load();
		});
	}

	// --- RPC methods, called by the Worker ---

	async create(init: RoomInit): Promise<boolean> {
		return this.conversation.create(init);
	}

	/** The chat's fixed record, key digests included: the Worker caches it and checks keys itself. */
	async record(): Promise<RoomInit | null> {
		return this.conversation.info;
	}

	async connectionCount(): Promise<number> {
		return this.sockets().size;
	}

	async readHistory(query: PageQuery): Promise<HistoryPage | null> {
		return this.conversation.info ? this.conversation.history(query) : null;
	}

	async postMessage(user: UserRef, text: string, clientId?: string): Promise<PostResult | null> {
		if (!this.conversation.info) return null;
		const outcome = this.post(user, text, clientId);
		return outcome.kind === "created" ? { kind: "created", message: outcome.message } : outcome;
	}

	async deleteMessage(seq: number): Promise<boolean> {
		if (!this.conversation.info) return false;
		return this.redact(seq);
	}

	async diagnostics(): Promise<RoomDiagnostics | null> {
		if (!this.conversation.info) return null;
		// Read afresh: the wake counter moves on every construction, the loaded record does not.
		const wakes = this.conversation.record.read()?.wakes ?? 0;
		return {
			connections: this.sockets().size,
			online: this.presence.count,
			lastSeq: this.conversation.newestSeq,
			storedMessages: this.conversation.log.count(),
			wakes,
			instanceStartedAt: this.startedAt,
		};
	}

	// --- Platform handlers ---

	/** Only WebSocket upgrades arrive here, already authenticated by the Worker. */
	override async fetch(request: Request): Promise<Response> {
		const chat = this.conversation.info;
		if (!chat) return errorResponse(404, "not_found", "No such chat");
		if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
			return errorResponse(426, "upgrade_required", "Expected a WebSocket upgrade");
		}
		const user = readUserHeader(request.headers.get(userHeader));
		if (!user) return errorResponse(401, "unauthorized", "Missing verified user");

		const sockets = this.sockets();
		const { 0: client, 1: server } = new WebSocketPair();
		this.ctx.acceptWebSocket(server);
		writeAttachment(server, { user, connectedAt: Date.now() });
		sockets.add(server);
		this.presence.join(user);

		const replay = this.replaySince(new URL(request.url).searchParams.get("since"));
		sendFrame(server, {
			type: "ready",
			user,
			chat: { id: chat.id, name: chat.name, visibility: chat.visibility, history: chat.history },
			online: this.presence.list(limits.onlineListMax),
			onlineCount: this.presence.count,
			lastSeq: this.conversation.newestSeq,
			...(replay && { replay: replay.summary }),
		});
		// Missed messages go out after `ready` and before any live one: this handler runs to
		// completion before the room processes anything else.
		for (const message of replay?.messages ?? []) sendFrame(server, { type: "message", message });
		this.scheduleDirectoryReport();
		return new Response(null, { status: 101, webSocket: client });
	}

	override async webSocketMessage(socket: WebSocket, raw: string | ArrayBuffer): Promise<void> {
		this.sockets();
		const attachment = readAttachment(socket);
		if (!attachment) {
			socket.close(1011, "Session state lost; reconnect");
			return;
		}
		const parsed = parseClientFrame(raw);
		if (!parsed.ok) {
			sendFrame(socket, parsed.error);
			return;
		}
		this.handleFrame(socket, attachment, parsed.frame);
	}

	override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
		this.disconnect(socket);
		// Answer the client's close frame, or it waits and finally sees 1006. 1005 and 1006 are
		// reserved codes that must never be sent on the wire.
		try {
			socket.close(code === 1005 || code === 1006 ? 1000 : code, reason);
		} catch {
			// Already closed by the runtime.
		}
	}

	override async webSocketError(socket: WebSocket): Promise<void> {
		this.disconnect(socket);
	}

	override async alarm(): Promise<void> {
		this.alarmAt = null;
		const chat = this.conversation.info;
		if (!chat) return;
		if (this.conversation.trim(trimBatch)) this.scheduleAlarm(0);
		if (chat.visibility === "public") {
			await directoryStub(this.env).report(chat.id, this.sockets().size);
		}
	}

	// --- Frames ---

	private handleFrame(socket: WebSocket, attachment: SocketAttachment, frame: ClientFrame): void {
		switch (frame.type) {
			case "send": {
				const { user } = attachment;
				const outcome = this.post(
					{ id: user.id, name: user.name },
					frame.text,
					frame.clientId,
					attachment.bucket,
				);
				if (outcome.kind === "created") writeAttachment(socket, { ...attachment, bucket: outcome.bucket });
				else if (outcome.kind === "duplicate")
					sendFrame(socket, { type: "message", message: outcome.message });
				else sendFrame(socket, rateLimited(outcome.retryAfterMs, frame.clientId));
				return;
			}
			case "typing":
				this.typing(socket, attachment.user);
				return;
			case "delete":
				if (attachment.user.role !== "owner") {
					sendFrame(socket, {
						type: "error",
						code: "forbidden",
						message: "Only the chat's owner may delete",
					});
				} else if (!this.redact(frame.seq)) {
					sendFrame(socket, { type: "error", code: "not_found", message: `No message ${frame.seq}` });
				}
				return;
		}
	}

	private post(
		user: UserRef,
		text: string,
		clientId: string | undefined,
		saved?: SocketAttachment["bucket"],
	) {
		const outcome = this.conversation.post(user, text, clientId, Date.now(), saved);
		if (outcome.kind === "created") {
			this.broadcast({ type: "message", message: outcome.message });
			if (this.conversation.needsTrim()) this.scheduleAlarm(0);
		}
		return outcome;
	}

	private redact(seq: number): boolean {
		if (!this.conversation.redact(seq)) return false;
		this.broadcast({ type: "deleted", seq });
		return true;
	}

	private typing(socket: WebSocket, user: UserRef): void {
		const now = Date.now();
		// Typing notices are hints; a few per user per second is plenty and bounds the fan-out.
		if (now - (this.lastTyping.get(user.id) ?? 0) < typingIntervalMs) return;
		this.lastTyping.set(user.id, now);
		this.broadcast({ type: "typing", user: { id: user.id, name: user.name } }, socket);
	}

	private replaySince(since: string | null): Replay | null {
		if (since === null || !/^\d{1,15}$/.test(since)) return null;
		return this.conversation.replay(Number(since));
	}

	// --- Sockets ---

	private sockets(): Set<WebSocket> {
		if (this.socketSet === null) {
			this.socketSet = new Set();
			for (const socket of this.ctx.getWebSockets()) {
				const attachment = readAttachment(socket);
				if (!attachment) continue;
				this.socketSet.add(socket);
				this.presence.restore(attachment.user);
			}
		}
		return this.socketSet;
	}

	private broadcast(frame: ServerFrame, except?: WebSocket): void {
		broadcast(this.sockets(), frame, except);
	}

	private disconnect(socket: WebSocket): void {
		// webSocketError may be followed by webSocketClose for the same socket: count it out once.
		if (this.departed.has(socket)) return;
		this.departed.add(socket);
		const counted = this.sockets().delete(socket);
		const attachment = readAttachment(socket);
		if (attachment) this.presence.leave(attachment.user, counted);
		this.scheduleDirectoryReport();
	}

	private scheduleDirectoryReport(): void {
		if (this.conversation.info?.visibility === "public") this.scheduleAlarm(this.settings.directoryReportMs);
	}

	/** One alarm serves retention and directory reports; an earlier request wins, later ones wait for it. */
	private scheduleAlarm(delayMs: number): void {
		const at = Date.now() + delayMs;
		if (this.alarmAt !== null && this.alarmAt <= at) return;
		this.alarmAt = at;
		this.ctx.storage.setAlarm(at).catch((error: unknown) => console.error("setAlarm failed", error));
	}
}

function rateLimited(retryAfterMs: number, clientId?: string): ServerFrame {
	const frame: ServerFrame = {
		type: "error",
		code: "rate_limited",
		message: `Too many messages; try again in ${Math.ceil(retryAfterMs / 1000)} s`,
		retryAfterMs: Math.ceil(retryAfterMs),
	};
	if (clientId !== undefined) frame.clientId = clientId;
	return frame;
}

function readUserHeader(value: string | null): SessionUser | null {
	if (value === null) return null;
	try {
		const parsed = sessionUser.safeParse(JSON.parse(value));
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

function errorResponse(status: number, code: string, message: string): Response {
	return Response.json({ error: { code, message } }, { status });
}
