import { DurableObject } from "cloudflare:workers";
import { readSettings, type Settings } from "../config";
import { directoryStub } from "../directory/chat-directory";
import { Metrics } from "../observability/metrics";
import { RoomEvents } from "../observability/room-events";
import {
	type ChatMessage,
	type ChatSettings,
	type ErrorCode,
	errorBodyOf,
	type HistoryPage,
	limits,
	PING,
	PONG,
	type ServerFrame,
	type SessionUser,
	type UserRef,
} from "../protocol";
import { shardFull, shardObject } from "../routing/shard-address";
import type { PageQuery } from "../sequencer/message-log";
import type { Bucket } from "../sequencer/rate-limiter";
import type { RoomInit } from "../sequencer/room-record";
import { type PostOutcome, type Replay, Sequencer } from "../sequencer/sequencer";
import { sendFrame } from "../shard/broadcast";
import type { DeleteOutcome, Upstream } from "../shard/frame-effects";
import { answerClose, SocketHub } from "../shard/socket-hub";
import { answerFailure, handleSocketMessage } from "../shard/socket-messages";
import { readVerifiedUser, replayWanted } from "../shard/socket-request";
import { Fanout } from "./fanout";
import type { FanoutEvent } from "./fanout-batch";
import { Presence } from "./presence";
import { ShardRegistry } from "./shard-registry";

export type PostResult =
	| Exclude<PostOutcome, { kind: "created" }>
	| { kind: "created"; message: ChatMessage };

export interface RoomDiagnostics {
	/** Open sockets of the whole chat, over every object that holds some. */
	connections: number;
	online: number;
	lastSeq: number;
	storedMessages: number;
	/** How many times this room was constructed (woken) since it was created. */
	wakes: number;
	instanceStartedAt: number;
	/** Objects holding this chat's sockets now: the root itself and its shards. */
	shards: number;
}

/** What a shard learns when it attaches: enough to greet sockets and resume them on its own. */
export interface ShardWelcome {
	chat: ChatSettings;
	lastSeq: number;
	online: UserRef[];
	onlineCount: number;
	/** The newest messages, with every message after `recentAfter`. */
	recent: ChatMessage[];
	recentAfter: number;
}

const trimBatch = 5000;
const typingIntervalMs = 1500;
/** Messages a new shard is handed, so that it answers most resumes without asking. */
const recentForShards = 256;

/**
 * The root of a chat: its sequencer (the only writer, the one order) and the holder of its first
 * sockets. A chat of a few hundred sockets lives here alone, with no extra hop. Past
 * ROOM_SHARD_CAPACITY sockets, the Worker sends new ones to shards (ChatShard), which forward
 * sends here and receive every change as one batch per flush (Fanout).
 */
export class ChatRoom extends DurableObject<Env> {
	private readonly settings: Settings;
	private readonly sequencer: Sequencer;
	private readonly presence: Presence;
	private readonly hub: SocketHub;
	private readonly shards: ShardRegistry;
	private readonly fanout: Fanout;
	private readonly startedAt = Date.now();
	private readonly lastTyping = new Map<string, number>();
	private alarmAt: number | null = null;
	private readonly events = new RoomEvents(
		() => ({ chatId: this.sequencer.info?.id, shard: 0 }),
		new Metrics(this.env),
	);

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.settings = readSettings(env);
		this.sequencer = new Sequencer(ctx.storage.sql, this.settings);
		this.presence = new Presence(this.settings.presenceWindowMs, (frame) => {
			this.broadcast(frame);
			this.fanout.push({ kind: "presence", frame });
		});
		this.hub = new SocketHub(ctx, (user) => this.presence.restore(user));
		this.shards = new ShardRegistry(ctx.storage.sql);
		this.fanout = new Fanout(
			() => this.shards.active(),
			(idx) => shardObject(env, this.chatId, idx),
			() => this.sequencer.newestSeq,
		);
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
		ctx.blockConcurrencyWhile(async () => {
			if (!this.sequencer.load()) return;
			this.events.woke(this.sequencer.record.read()?.wakes);
			for (const user of this.shards.load()) this.presence.restore(user);
		});
	}

	// --- RPC methods, called by the Worker ---

	async create(init: RoomInit): Promise<boolean> {
		return this.sequencer.create(init);
	}

	/** The chat's fixed record, key digests included: the Worker caches it and checks keys itself. */
	async record(): Promise<RoomInit | null> {
		return this.sequencer.info;
	}

	async connectionCount(): Promise<number> {
		return this.connections();
	}

	async readHistory(query: PageQuery): Promise<HistoryPage | null> {
		return this.sequencer.info ? this.sequencer.history(query) : null;
	}

	async postMessage(user: UserRef, text: string, clientId?: string): Promise<PostResult | null> {
		if (!this.sequencer.info) return null;
		const outcome = this.post(user, text, clientId);
		return outcome.kind === "created" ? { kind: "created", message: outcome.message } : outcome;
	}

	async deleteMessage(seq: number): Promise<boolean> {
		if (!this.sequencer.info) return false;
		return this.redact(seq);
	}

	async diagnostics(): Promise<RoomDiagnostics | null> {
		if (!this.sequencer.info) return null;
		// Read afresh: the wake counter moves on every construction, the loaded record does not.
		const wakes = this.sequencer.record.read()?.wakes ?? 0;
		return {
			connections: this.connections(),
			online: this.presence.count,
			lastSeq: this.sequencer.newestSeq,
			storedMessages: this.sequencer.log.count(),
			wakes,
			instanceStartedAt: this.startedAt,
			shards: (this.hub.size > 0 ? 1 : 0) + this.shards.active().length,
		};
	}

	// --- RPC methods, called by the chat's shards ---

	/**
	 * A shard starts holding sockets, or starts again after a restart: what it holds replaces what
	 * it reported before. The shard counts the socket it is about to admit among them, so that
	 * batches reach that socket from the start; its next report gives the real count.
	 */
	async attachShard(idx: number, users: UserRef[], sockets: number): Promise<ShardWelcome | null> {
		const chat = this.sequencer.info;
		if (!chat) return null;
		this.hub.sockets();
		this.applyMembership(this.shards.replace(idx, users, sockets));
		this.events.shardAttached(idx, sockets);
		const recent = this.sequencer.newest(recentForShards);
		const lastSeq = this.sequencer.newestSeq;
		return {
			chat: { id: chat.id, name: chat.name, visibility: chat.visibility, history: chat.history },
			lastSeq,
			online: this.presence.list(limits.onlineListMax),
			onlineCount: this.presence.count,
			recent,
			recentAfter: recent.length < recentForShards ? 0 : (recent[0]?.seq ?? lastSeq) - 1,
		};
	}

	async shardPresence(idx: number, joined: UserRef[], left: UserRef[], sockets: number): Promise<void> {
		if (!this.sequencer.info) return;
		this.hub.sockets();
		this.applyMembership(this.shards.apply(idx, joined, left, sockets));
	}

	async postFromShard(user: UserRef, text: string, clientId?: string, saved?: Bucket): Promise<PostOutcome> {
		return this.post(user, text, clientId, saved);
	}

	async deleteFromShard(user: SessionUser, seq: number): Promise<DeleteOutcome> {
		return this.remove(user, seq);
	}

	async typingFromShard(user: UserRef): Promise<void> {
		this.typing(user);
	}

	async replayForShard(since: number, upto: number): Promise<Replay> {
		return this.sequencer.replay(since, upto);
	}

	async rangeForShard(after: number, upto: number): Promise<ChatMessage[]> {
		return this.sequencer.info ? this.sequencer.range(after, upto) : [];
	}

	// --- Platform handlers ---

	/** Only WebSocket upgrades arrive here, already authenticated and routed by the Worker. */
	override async fetch(request: Request): Promise<Response> {
		const chat = this.sequencer.info;
		if (!chat) return this.refuse(404, "not_found", "No such chat");
		if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
			return this.refuse(426, "upgrade_required", "Expected a WebSocket upgrade");
		}
		const user = readVerifiedUser(request);
		if (!user) return this.refuse(401, "unauthorized", "Missing verified user");
		if (this.hub.size >= this.settings.roomShardCapacity) {
			this.events.refused("full", 503);
			return shardFull(this.shards.suggest(this.settings.roomShardCapacity, 0));
		}

		const { client, server } = this.hub.accept(user);
		this.presence.join(user);
		const since = replayWanted(request);
		const replay = since === null ? null : this.sequencer.replay(since);
		sendFrame(server, {
			type: "ready",
			user,
			chat: { id: chat.id, name: chat.name, visibility: chat.visibility, history: chat.history },
			online: this.presence.list(limits.onlineListMax),
			onlineCount: this.presence.count,
			lastSeq: this.sequencer.newestSeq,
			...(replay && { replay: replay.summary }),
		});
		// Missed messages go out after `ready` and before any live one: this handler runs to
		// completion before the room processes anything else.
		for (const message of replay?.messages ?? []) sendFrame(server, { type: "message", message });
		this.events.admitted(this.hub.size, replay?.summary ?? null);
		this.events.roomSize(this.connections());
		this.scheduleDirectoryReport();
		return new Response(null, { status: 101, webSocket: client });
	}

	override async webSocketMessage(socket: WebSocket, raw: string | ArrayBuffer): Promise<void> {
		this.hub.sockets();
		try {
			await handleSocketMessage(socket, raw, this.upstream, (code) => this.events.frameRefused(code));
		} catch (error) {
			answerFailure(socket, error);
		}
	}

	override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
		this.depart(socket);
		answerClose(socket, code, reason);
	}

	override async webSocketError(socket: WebSocket): Promise<void> {
		this.depart(socket);
	}

	override async alarm(): Promise<void> {
		this.alarmAt = null;
		const chat = this.sequencer.info;
		if (!chat) return;
		const due = this.sequencer.needsTrim();
		if (this.sequencer.trim(trimBatch)) this.scheduleAlarm(0);
		if (due) this.events.trimmed(this.sequencer.newestSeq - this.settings.messageRetention);
		if (chat.visibility === "public") {
			await directoryStub(this.env).report(chat.id, this.connections());
		}
	}

	// --- The sequencer's work ---

	/** The root's own sockets reach the sequencer in place; shards reach it over RPC. */
	private readonly upstream: Upstream = {
		post: async (user, text, clientId, saved) => this.post(user, text, clientId, saved),
		remove: async (user, seq) => this.remove(user, seq),
		typing: async (user) => this.typing(user),
	};

	private post(user: UserRef, text: string, clientId: string | undefined, saved?: Bucket): PostOutcome {
		const outcome = this.sequencer.post(user, text, clientId, Date.now(), saved);
		if (outcome.kind === "rate_limited") this.events.rateLimited();
		if (outcome.kind === "created") {
			this.events.stored(this.sequencer.info?.history ?? true);
			// Whoever posts has stopped typing: their next keystroke is news again.
			this.lastTyping.delete(user.id);
			this.publish({ kind: "message", message: outcome.message }, outcome.message.seq - 1);
			if (this.sequencer.needsTrim()) this.scheduleAlarm(0);
		}
		return outcome;
	}

	private remove(user: SessionUser, seq: number): DeleteOutcome {
		if (user.role !== "owner") return "forbidden";
		return this.redact(seq) ? "deleted" : "not_found";
	}

	private redact(seq: number): boolean {
		if (!this.sequencer.redact(seq)) return false;
		this.publish({ kind: "deleted", seq });
		return true;
	}

	private typing(user: UserRef): void {
		const now = Date.now();
		// Typing notices are hints; a few per user per second is plenty and bounds the fan-out.
		if (now - (this.lastTyping.get(user.id) ?? 0) < typingIntervalMs) return;
		this.lastTyping.set(user.id, now);
		this.publish({ kind: "typing", user: { id: user.id, name: user.name } });
	}

	/** To the root's own sockets at once, and to every shard with the turn's batch. */
	private publish(event: FanoutEvent, seqBefore?: number): void {
		switch (event.kind) {
			case "message":
				this.broadcast({ type: "message", message: event.message });
				this.events.delivered(1, this.hub.size);
				break;
			case "deleted":
				this.broadcast({ type: "deleted", seq: event.seq });
				break;
			case "typing":
				this.hub.broadcast(JSON.stringify({ type: "typing", user: event.user }), event.user.id);
				break;
			case "presence":
				this.broadcast(event.frame);
				break;
		}
		this.fanout.push(event, seqBefore);
	}

	// --- Sockets and counts ---

	private refuse(status: number, code: ErrorCode, message: string): Response {
		this.events.refused(code, status);
		return errorJson(status, code, message);
	}

	private get chatId(): string {
		const chat = this.sequencer.info;
		if (!chat) throw new Error("the room was used before it was created");
		return chat.id;
	}

	private connections(): number {
		return this.hub.size + this.shards.sockets;
	}

	private broadcast(frame: ServerFrame): void {
		this.hub.broadcast(JSON.stringify(frame));
	}

	private applyMembership(change: { joined: UserRef[]; left: UserRef[] }): void {
		for (const user of change.joined) this.presence.join(user);
		for (const user of change.left) this.presence.leave(user);
		if (change.joined.length > 0) this.events.roomSize(this.connections());
		this.scheduleDirectoryReport();
	}

	private depart(socket: WebSocket): void {
		const departure = this.hub.depart(socket);
		if (departure) this.presence.leave(departure.attachment.user, departure.counted);
		this.scheduleDirectoryReport();
	}

	private scheduleDirectoryReport(): void {
		if (this.sequencer.info?.visibility === "public") this.scheduleAlarm(this.settings.directoryReportMs);
	}

	/** One alarm serves retention and directory reports; an earlier request wins, later ones wait for it. */
	private scheduleAlarm(delayMs: number): void {
		const at = Date.now() + delayMs;
		if (this.alarmAt !== null && this.alarmAt <= at) return;
		this.alarmAt = at;
		this.ctx.storage.setAlarm(at).catch((error: unknown) => console.error("setAlarm failed", error));
	}
}

function errorJson(status: number, code: ErrorCode, message: string): Response {
	return Response.json(errorBodyOf(code, message), { status });
}
