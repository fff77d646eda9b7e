import { DurableObject } from "cloudflare:workers";
import { type AdmissionRequest, admitTokenRequest, type TokenAdmission } from "../door/admission";
import type { NotedUser } from "../door/door-copy";
import type { ShardWelcome } from "../fanout/shard-welcome";
import type { SniffedImage } from "../files/image-sniff";
import { Metrics } from "../observability/metrics";
import { RoomEvents } from "../observability/room-events";
import {
	type ChatInfo,
	type ChatMessage,
	type HistoryPage,
	limits,
	PING,
	PONG,
	type PresenceList,
	type SessionUser,
	type UserRef,
	type WebhookEventType,
	type WebhookStatus,
} from "../protocol";
import { refusals } from "../refusals";
import type { PageQuery } from "../sequencer/message-log";
import type { ModerationState } from "../sequencer/moderation";
import type { Bucket } from "../sequencer/rate-limiter";
import type { RoomInit, SettingsChange } from "../sequencer/room-record";
import type { SearchRequest } from "../sequencer/search-index";
import type { Change, Replay, Sequencer } from "../sequencer/sequencer";
import type { DeleteAnswer, Draft, EditAnswer, PostAnswer, ReactAnswer } from "../sockets/upstream";
import type { WebhookClaim } from "../webhooks/outbox";
import type { RoomWebhooks } from "../webhooks/room-webhooks";
import type { ChatAdmin } from "./chat-admin";
import type { ChatFiles, UploadAnswer } from "./chat-files";
import { searchChat } from "./chat-search";
import type { ChatWrites } from "./chat-writes";
import { diagnosticsOf, type RoomDiagnostics } from "./diagnostics";
import type { ModerationDesk, ModerationOutcome, ModerationRequest } from "./moderation-desk";
import type { RoomAlarm } from "./room-alarm";
import { assembleRoot } from "./root-parts";
import type { RootSockets } from "./root-sockets";
import type { RootUpgrade } from "./root-upgrade";
import type { ShardRegistry } from "./shard-registry";

export type { ShardWelcome } from "../fanout/shard-welcome";
export type { RoomDiagnostics } from "./diagnostics";

/**
 * The root of a chat: its sequencer (the only writer, the one order) and the holder of its first
 * sockets. A chat of a few hundred sockets lives here alone, with no extra hop. Past
 * ROOM_SHARD_CAPACITY sockets, the Worker sends new ones to shards (ChatShard), which forward
 * sends here and receive every change as one batch per flush (Fanout).
 */
export class ChatRoom extends DurableObject<Env> {
	private readonly sequencer: Sequencer;
	private readonly shards: ShardRegistry;
	private readonly webhooks: RoomWebhooks;
	private readonly moderation: ModerationState;
	private readonly desk: ModerationDesk;
	private readonly sockets: RootSockets;
	private readonly roomAlarm: RoomAlarm;
	private readonly writes: ChatWrites;
	private readonly admin: ChatAdmin;
	private readonly upgrade: RootUpgrade;
	private readonly files: ChatFiles;
	private readonly startedAt = Date.now();
	private readonly events = new RoomEvents(
		() => ({ chatId: this.sequencer.info?.id, shard: 0 }),
		new Metrics(this.env),
	);

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		const root = assembleRoot(ctx, env, this.events);
		this.sequencer = root.sequencer;
		this.shards = root.shards;
		this.webhooks = root.webhooks;
		this.moderation = root.moderation;
		this.desk = root.desk;
		this.sockets = root.sockets;
		this.roomAlarm = root.roomAlarm;
		this.writes = root.writes;
		this.admin = root.admin;
		this.upgrade = root.upgrade;
		this.files = root.files;
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
		ctx.blockConcurrencyWhile(async () => {
			if (!this.sequencer.load()) return;
			this.roomAlarm.restore(await ctx.storage.getAlarm());
			this.moderation.createSchema();
			this.moderation.load();
			this.events.woke(this.sequencer.record.read()?.wakes);
			for (const user of this.shards.load()) this.sockets.presence.restore(user);
			this.webhooks.load();
		});
	}

	// --- RPC methods, called by the Worker ---

	async create(init: RoomInit): Promise<boolean> {
		const created = this.sequencer.create(init);
		if (created) this.moderation.createSchema();
		return created;
	}

	/**
	 * The token route's one call, when no shard answers for it: checks the key against the
	 * current digests (a rotated key stops working at once, whatever the Worker cached), the
	 * bans, and which role the user gets.
	 */
	async admitToken(request: AdmissionRequest): Promise<TokenAdmission> {
		const chat = this.sequencer.info;
		if (!chat) return { kind: "refused", ...refusals.chatNotFound() };
		this.events.tokenAdmitted();
		return admitTokenRequest(chat, request, this.desk, Date.now());
	}

	/** Owner only: name, visibility, slow mode, read-only. Every socket gets a `chat` frame. */
	async updateChat(actor: SessionUser, change: SettingsChange): Promise<ChatInfo | "forbidden" | null> {
		return this.admin.updateChat(actor, change);
	}

	/** Owner only: a new invite or owner key, returned once; the old one stops working at once. */
	async rotateKey(actor: SessionUser, which: "invite" | "owner"): Promise<string | "forbidden" | null> {
		return this.admin.rotateKey(actor, which);
	}

	/** Owner only: every socket on every object closes with 4004, and every object erases the chat. */
	async deleteChat(actor: SessionUser): Promise<"deleted" | "forbidden" | null> {
		return this.admin.deleteChat(actor);
	}

	async moderate(actor: SessionUser, request: ModerationRequest): Promise<ModerationOutcome | null> {
		return this.admin.moderate(actor, request);
	}

	async moderatorList(): Promise<ReturnType<ModerationDesk["moderators"]> | null> {
		return this.sequencer.info ? this.desk.moderators() : null;
	}

	async banList(actor: SessionUser): Promise<ReturnType<ModerationDesk["bans"]> | "forbidden" | null> {
		if (!this.sequencer.info) return null;
		if (this.desk.roleOf(actor) === "member") return "forbidden";
		return this.desk.bans(Date.now());
	}

	/** The chat's fixed record, key digests included: the Worker caches it and checks keys itself. */
	async record(): Promise<RoomInit | null> {
		return this.sequencer.info;
	}

	async connectionCount(): Promise<number> {
		return this.sockets.connections();
	}

	async readHistory(query: PageQuery): Promise<HistoryPage | null> {
		return this.sequencer.info ? this.sequencer.history(query) : null;
	}

	/** Whoever may read the history may search it (the Worker checked). */
	async search(request: SearchRequest): Promise<HistoryPage | null> {
		return searchChat(this.ctx.storage, this.sequencer, request);
	}

	/** The chat-wide online set: the root's own sockets' users and every shard's, as last reported. */
	async onlinePresence(): Promise<PresenceList | null> {
		if (!this.sequencer.info) return null;
		return { online: this.sockets.presence.list(limits.presenceApiMax), count: this.sockets.presence.count };
	}

	/** A page of the log for an export: ascending after `after`, larger than a history page. */
	async exportPage(after: number, limit: number): Promise<HistoryPage | null> {
		return this.sequencer.info ? this.sequencer.history({ after, limit }) : null;
	}

	// --- The chat's one write face: the Worker's routes and the shards' sockets alike ---

	async post(user: UserRef, draft: Draft, saved?: Bucket, uploader?: string): Promise<PostAnswer> {
		return this.writes.post({ id: user.id, name: user.name }, draft, saved, uploader);
	}

	/** An upload the Worker checked (an image within the size): its file, or the refusal. */
	async reserveUpload(user: SessionUser, image: SniffedImage & { size: number }): Promise<UploadAnswer> {
		return this.files.reserve(user, image);
	}

	async edit(user: UserRef, seq: number, text: string): Promise<EditAnswer> {
		return this.writes.edit(user, seq, text);
	}

	async react(user: UserRef, seq: number, emoji: string, on?: boolean): Promise<ReactAnswer> {
		return this.writes.react(user, seq, emoji, on);
	}

	async remove(user: SessionUser, seq: number): Promise<DeleteAnswer> {
		return this.writes.remove(user, seq);
	}

	async typing(user: UserRef): Promise<void> {
		return this.writes.typing(user);
	}

	async diagnostics(): Promise<RoomDiagnostics | null> {
		return this.sequencer.info
			? diagnosticsOf(this.sequencer, this.sockets, this.shards, this.startedAt)
			: null;
	}

	// --- Webhooks: configured by the Worker, settled by the queue consumer ---

	async setWebhook(url: string, events: WebhookEventType[]): Promise<string | null> {
		if (!this.sequencer.info) return null;
		return this.webhooks.configure(url, events, this.sockets.connections());
	}

	async webhookStatus(): Promise<WebhookStatus | null> {
		return this.sequencer.info ? this.webhooks.status() : null;
	}

	async deleteWebhook(): Promise<boolean> {
		return this.sequencer.info ? this.webhooks.remove() : false;
	}

	async webhookClaim(n: number): Promise<WebhookClaim> {
		return this.sequencer.info ? this.webhooks.claim(n) : { kind: "gone" };
	}

	async webhookDelivered(n: number): Promise<void> {
		if (this.sequencer.info) this.webhooks.settled(this.webhooks.outbox.delivered(n));
	}

	async webhookAttemptFailed(error: string): Promise<void> {
		if (this.sequencer.info) this.webhooks.outbox.attemptFailed(error);
	}

	async webhookDeadLettered(n: number): Promise<void> {
		if (this.sequencer.info) this.webhooks.settled(this.webhooks.outbox.deadLettered(n));
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
		this.sockets.holder.wake();
		this.sockets.applyMembership(this.shards.replace(idx, users, sockets));
		this.events.shardAttached(idx, sockets);
		return this.admin.welcome(chat);
	}

	/** Users a shard admitted tokens for, reported a few at a time. */
	async noteUsers(noted: NotedUser[]): Promise<void> {
		if (this.sequencer.info) this.desk.noteAll(noted);
	}

	async shardPresence(idx: number, joined: UserRef[], left: UserRef[], sockets: number): Promise<void> {
		if (!this.sequencer.info) return;
		this.sockets.holder.wake();
		this.sockets.applyMembership(this.shards.apply(idx, joined, left, sockets));
	}

	/** Changes after rev `after` up to rev `upto` of messages up to seq `through`, for a resume. */
	async changesForShard(after: number, through: number, upto: number): Promise<Change[]> {
		return this.sequencer.info ? this.sequencer.changesSince(after, through, upto) : [];
	}

	async replayForShard(since: number, upto: number): Promise<Replay> {
		return this.sequencer.replay(since, upto);
	}

	async rangeForShard(after: number, upto: number): Promise<ChatMessage[]> {
		return this.sequencer.info ? this.sequencer.range(after, upto) : [];
	}

	// --- Platform handlers ---

	override async fetch(request: Request): Promise<Response> {
		return this.upgrade.accept(request);
	}

	override async webSocketMessage(socket: WebSocket, raw: string | ArrayBuffer): Promise<void> {
		await this.sockets.holder.message(socket, raw, this.writes);
	}

	override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
		this.sockets.holder.closed(socket, code, reason);
	}

	override async webSocketError(socket: WebSocket): Promise<void> {
		this.sockets.holder.closed(socket);
	}

	override async alarm(): Promise<void> {
		await this.roomAlarm.ring();
	}
}
