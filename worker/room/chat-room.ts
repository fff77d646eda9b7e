import { DurableObject } from "cloudflare:workers";
import { type AdmissionRequest, admitTokenRequest, type TokenAdmission } from "../auth/admission";
import { hashKey } from "../auth/keys";
import { readSettings, type Settings } from "../config";
import { directoryStub } from "../directory/chat-directory";
import { newSecretKey } from "../ids";
import { Metrics } from "../observability/metrics";
import { RoomEvents } from "../observability/room-events";
import {
	type ChatInfo,
	type ChatMessage,
	errorFrameOf,
	type HistoryPage,
	limits,
	type ModerationFrame,
	PING,
	PONG,
	type PresenceList,
	type SessionUser,
	type UserRef,
	type WebhookEventType,
	type WebhookStatus,
} from "../protocol";
import { shardObject } from "../routing/shard-address";
import type { PageQuery } from "../sequencer/message-log";
import { ModerationState } from "../sequencer/moderation";
import type { Bucket } from "../sequencer/rate-limiter";
import type { RoomInit, SettingsChange } from "../sequencer/room-record";
import {
	type Change,
	type EditOutcome,
	type ReactionOutcome,
	type Replay,
	Sequencer,
} from "../sequencer/sequencer";
import type { NotedUser } from "../shard/door-mirror";
import { frameOfEvent, senderOf } from "../shard/event-frames";
import type { DeleteOutcome, PostAnswer, PostRefused } from "../shard/frame-effects";
import { closeCodes, closeSocketsFor } from "../shard/moderation-effects";
import { answerClose, closeWith, SocketHub } from "../shard/socket-hub";
import { answerFailure, handleSocketMessage } from "../shard/socket-messages";
import type { WebhookClaim } from "../webhooks/outbox";
import { RoomWebhooks } from "../webhooks/room-webhooks";
import { infoOf, settingsOf, syncDirectory } from "./chat-admin";
import { ChatWrites } from "./chat-writes";
import { Fanout } from "./fanout";
import type { FanoutEvent } from "./fanout-batch";
import { ModerationDesk, type ModerationOutcome, type ModerationRequest } from "./moderation-desk";
import { Presence } from "./presence";
import { RoomAlarm } from "./room-alarm";
import { RootUpgrade } from "./root-upgrade";
import { type MembershipChange, ShardRegistry } from "./shard-registry";
import { ShardSync, type ShardWelcome } from "./shard-sync";

export type PostResult = Exclude<PostAnswer, { kind: "created" }> | { kind: "created"; message: ChatMessage };

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
	private readonly webhooks: RoomWebhooks;
	private readonly moderation: ModerationState;
	private readonly desk: ModerationDesk;
	private readonly writes: ChatWrites;
	private readonly shardSync: ShardSync;
	private readonly upgrade: RootUpgrade;
	private readonly roomAlarm: RoomAlarm;
	private readonly startedAt = Date.now();
	private readonly events = new RoomEvents(
		() => ({ chatId: this.sequencer.info?.id, shard: 0 }),
		new Metrics(this.env),
	);

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.settings = readSettings(env);
		this.sequencer = new Sequencer(ctx.storage.sql, this.settings);
		this.presence = new Presence(this.settings.presenceWindowMs, (frame) => {
			// A window can close after the chat was deleted: its sockets are gone, nothing to say.
			const chat = this.sequencer.info;
			if (!chat) return;
			this.publish({ kind: "presence", frame });
			// member.joined / member.left are coalesced exactly as the frames are.
			this.webhooks.presence(chat.id, frame);
		});
		this.webhooks = new RoomWebhooks(
			ctx.storage.sql,
			env.WEBHOOK_QUEUE,
			this.settings.webhookLeaseMs,
			(delayMs) => this.roomAlarm.schedule(delayMs),
		);
		this.roomAlarm = new RoomAlarm({
			env,
			storage: ctx.storage,
			settings: this.settings,
			sequencer: this.sequencer,
			webhooks: this.webhooks,
			events: this.events,
			connections: () => this.connections(),
		});
		this.hub = new SocketHub(ctx, (user) => this.presence.restore(user));
		this.moderation = new ModerationState(ctx.storage.sql);
		this.desk = new ModerationDesk(this.moderation, (frame) => this.publish({ kind: "moderation", frame }));
		this.shards = new ShardRegistry(ctx.storage.sql);
		this.writes = new ChatWrites({
			sequencer: this.sequencer,
			desk: this.desk,
			webhooks: this.webhooks,
			events: this.events,
			transaction: (write) => ctx.storage.transactionSync(write),
			publish: (event, seqBefore) => this.publish(event, seqBefore),
			trimSoon: () => this.roomAlarm.schedule(0),
		});
		this.shardSync = new ShardSync({
			env,
			sequencer: this.sequencer,
			desk: this.desk,
			presence: this.presence,
			shards: this.shards,
			publish: (event) => this.publish(event),
			flush: () => this.fanout.flush(),
		});
		this.upgrade = new RootUpgrade({
			sequencer: this.sequencer,
			desk: this.desk,
			hub: this.hub,
			presence: this.presence,
			shards: this.shards,
			events: this.events,
			capacity: this.settings.roomShardCapacity,
			connections: () => this.connections(),
			occupancyChanged: () => this.occupancyChanged(),
		});
		this.fanout = new Fanout(
			// A deleted chat (info gone) fans out nothing, whatever presence still has to say.
			() => (this.sequencer.info ? this.shards.active() : []),
			(idx) => shardObject(env, this.chatId, idx),
			() => this.sequencer.newestSeq,
			this.settings.fanoutDirectMax,
			this.settings.fanoutBatchMs,
		);
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
		ctx.blockConcurrencyWhile(async () => {
			if (!this.sequencer.load()) return;
			this.moderation.createSchema();
			this.moderation.load();
			this.events.woke(this.sequencer.record.read()?.wakes);
			for (const user of this.shards.load()) this.presence.restore(user);
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
	async admitToken(request: AdmissionRequest): Promise<TokenAdmission | null> {
		const chat = this.sequencer.info;
		if (!chat) return null;
		this.events.tokenAdmitted();
		return admitTokenRequest(chat, request, this.desk, Date.now());
	}

	/** Owner only: name, visibility, slow mode, read-only. Every socket gets a `chat` frame. */
	async updateChat(actor: SessionUser, change: SettingsChange): Promise<ChatInfo | "forbidden" | null> {
		const before = this.sequencer.info;
		if (!before) return null;
		if (this.desk.roleOf(actor) !== "owner") return "forbidden";
		const after = this.sequencer.change(change);
		this.publish({ kind: "chat", chat: settingsOf(after) });
		if (after.visibility !== before.visibility) await this.shardSync.changeDoor();
		await syncDirectory(directoryStub(this.env), before, after);
		return infoOf(after);
	}

	/** Owner only: a new invite or owner key, returned once; the old one stops working at once. */
	async rotateKey(actor: SessionUser, which: "invite" | "owner"): Promise<string | "forbidden" | null> {
		if (!this.sequencer.info) return null;
		if (this.desk.roleOf(actor) !== "owner") return "forbidden";
		const key = newSecretKey();
		this.sequencer.change({}, { which, hash: await hashKey(key) });
		await this.shardSync.changeDoor();
		return key;
	}

	/**
	 * Owner only: every socket on every object gets `chat_deleted` and closes with 4004, every
	 * object the root knows of erases its state, the directory drops the chat, and the root
	 * erases its own storage, so the id answers 404 from then on.
	 */
	async deleteChat(actor: SessionUser): Promise<"deleted" | "forbidden" | null> {
		const chat = this.sequencer.info;
		if (!chat) return null;
		if (this.desk.roleOf(actor) !== "owner") return "forbidden";
		this.sequencer.forget();
		const farewell = JSON.stringify(errorFrameOf("chat_deleted", "This chat was deleted by its owner"));
		for (const socket of this.hub.sockets().keys()) {
			closeWith(socket, farewell, closeCodes.chatDeleted, "chat_deleted");
			this.depart(socket);
		}
		await Promise.allSettled(
			this.shards.known().map((idx) => shardObject(this.env, chat.id, idx).closeChat()),
		);
		await directoryStub(this.env).unregister(chat.id);
		await this.ctx.storage.deleteAlarm();
		await this.ctx.storage.deleteAll();
		return "deleted";
	}

	async moderate(actor: SessionUser, request: ModerationRequest): Promise<ModerationOutcome | null> {
		if (!this.sequencer.info) return null;
		if (this.desk.joinRefusal(actor.id, Date.now())) {
			return { ok: false, status: 403, code: "banned", message: "You are banned from this chat" };
		}
		// A user a shard let in moments ago may not have been reported yet.
		if (!this.desk.knows(request.userId)) await this.shardSync.collectNotedUsers();
		const outcome = this.desk.apply(actor, request, Date.now());
		if (!outcome.ok) return outcome;
		await this.shardSync.moderated(request.action);
		return outcome;
	}

	async moderatorList(): Promise<ModeratorListing | null> {
		return this.sequencer.info ? this.desk.moderators() : null;
	}

	async banList(actor: SessionUser): Promise<ModerationListing | null> {
		if (!this.sequencer.info) return null;
		if (this.desk.roleOf(actor) === "member") return "forbidden";
		return this.desk.bans(Date.now());
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

	/** The chat-wide online set: the root's own sockets' users and every shard's, as last reported. */
	async onlinePresence(): Promise<PresenceList | null> {
		if (!this.sequencer.info) return null;
		return { online: this.presence.list(limits.presenceApiMax), count: this.presence.count };
	}

	/** A page of the log for an export: ascending after `after`, larger than a history page. */
	async exportPage(after: number, limit: number): Promise<HistoryPage | null> {
		return this.sequencer.info ? this.sequencer.history({ after, limit }) : null;
	}

	async postMessage(user: SessionUser, text: string, clientId?: string): Promise<PostResult | null> {
		if (!this.sequencer.info) return null;
		const outcome = this.writes.post({ id: user.id, name: user.name }, text, clientId);
		return outcome.kind === "created" ? { kind: "created", message: outcome.message } : outcome;
	}

	async editMessage(user: UserRef, seq: number, text: string): Promise<EditOutcome | PostRefused | null> {
		return this.sequencer.info ? this.writes.edit(user, seq, text) : null;
	}

	async reactToMessage(
		user: UserRef,
		seq: number,
		emoji: string,
		on: boolean,
	): Promise<ReactionOutcome | PostRefused | null> {
		return this.sequencer.info ? this.writes.react(user, seq, emoji, on) : null;
	}

	async deleteMessage(user: SessionUser, seq: number): Promise<DeleteOutcome | null> {
		if (!this.sequencer.info) return null;
		return this.writes.remove(user, seq);
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

	// --- Webhooks: configured by the Worker, settled by the queue consumer ---

	async setWebhook(url: string, events: WebhookEventType[]): Promise<string | null> {
		if (!this.sequencer.info) return null;
		return this.webhooks.configure(url, events, this.connections());
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
		this.hub.sockets();
		this.applyMembership(this.shards.replace(idx, users, sockets));
		this.events.shardAttached(idx, sockets);
		return this.shardSync.welcome(chat);
	}

	/** Users a shard admitted tokens for, reported a few at a time. */
	async noteUsers(noted: NotedUser[]): Promise<void> {
		if (this.sequencer.info) this.desk.noteAll(noted);
	}

	async shardPresence(idx: number, joined: UserRef[], left: UserRef[], sockets: number): Promise<void> {
		if (!this.sequencer.info) return;
		this.hub.sockets();
		this.applyMembership(this.shards.apply(idx, joined, left, sockets));
	}

	async postFromShard(user: UserRef, text: string, clientId?: string, saved?: Bucket): Promise<PostAnswer> {
		return this.writes.post(user, text, clientId, saved);
	}

	async deleteFromShard(user: SessionUser, seq: number): Promise<DeleteOutcome> {
		return this.writes.remove(user, seq);
	}

	async editFromShard(user: UserRef, seq: number, text: string): Promise<EditOutcome | PostRefused> {
		return this.writes.edit(user, seq, text);
	}

	async reactFromShard(user: UserRef, seq: number, emoji: string): Promise<ReactionOutcome | PostRefused> {
		return this.writes.react(user, seq, emoji);
	}

	/** Changes after rev `after` up to rev `upto` of messages up to seq `through`, for a resume. */
	async changesForShard(after: number, through: number, upto: number): Promise<Change[]> {
		return this.sequencer.info ? this.sequencer.changesSince(after, through, upto) : [];
	}

	async typingFromShard(user: UserRef): Promise<void> {
		this.writes.typing(user);
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
		this.hub.sockets();
		try {
			await handleSocketMessage(socket, raw, this.writes.upstream, (code) => this.events.frameRefused(code));
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
		await this.roomAlarm.ring();
	}

	// --- Publishing, sockets and counts ---

	/** To the root's own sockets at once, and to every shard with the turn's batch. */
	private publish(event: FanoutEvent, seqBefore?: number): void {
		const frame = frameOfEvent(event);
		if (frame) this.hub.broadcast(JSON.stringify(frame), senderOf(event));
		if (event.kind === "message") this.events.delivered(1, this.hub.size);
		if (event.kind === "moderation") this.disconnect(event.frame);
		this.fanout.push(event, seqBefore);
	}

	private get chatId(): string {
		const chat = this.sequencer.info;
		if (!chat) throw new Error("the room was used before it was created");
		return chat.id;
	}

	private connections(): number {
		return this.hub.size + this.shards.sockets;
	}

	private applyMembership(change: MembershipChange): void {
		for (const user of change.joined) this.presence.join(user);
		for (const user of change.left) this.presence.leave(user);
		for (const user of change.renamed) this.presence.rename(user);
		if (change.joined.length > 0) this.events.roomSize(this.connections());
		this.occupancyChanged();
	}

	/** A kick or ban closes the user's sockets on this object; every other object does the same. */
	private disconnect(frame: ModerationFrame): void {
		for (const socket of closeSocketsFor(this.hub, frame)) this.depart(socket);
	}

	private depart(socket: WebSocket): void {
		const departure = this.hub.depart(socket);
		if (departure) this.presence.leave(departure.attachment.user, departure.counted);
		this.occupancyChanged();
	}

	/** The chat's count moved: a public chat's directory entry and the occupancy webhook follow. */
	private occupancyChanged(): void {
		this.roomAlarm.reportSoon();
		if (this.sequencer.info) this.webhooks.occupancy(this.chatId, this.connections());
	}
}

type ModeratorListing = ReturnType<ModerationDesk["moderators"]>;
type ModerationListing = ReturnType<ModerationDesk["bans"]> | "forbidden";
