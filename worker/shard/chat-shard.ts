import { DurableObject } from "cloudflare:workers";
import { readSettings, type Settings } from "../config";
import { Metrics } from "../observability/metrics";
import { RoomEvents } from "../observability/room-events";
import { type ChatSettings, errorBodyOf, limits, PING, PONG, type UserRef } from "../protocol";
import type { FanoutBatch, FanoutEvent } from "../room/fanout-batch";
import { readShardIndex, rootObject, shardFull, shardHeader } from "../routing/shard-address";
import { RecentMessages } from "../sequencer/recent-messages";
import { sendFrame } from "./broadcast";
import { FanoutInbox } from "./fanout-inbox";
import type { Upstream } from "./frame-effects";
import { LocalPresence } from "./local-presence";
import { OnlineMirror } from "./online-mirror";
import { answerClose, SocketHub } from "./socket-hub";
import { answerFailure, handleSocketMessage } from "./socket-messages";
import { readVerifiedUser, replayWanted } from "./socket-request";

/** Messages a shard keeps for resumes; older gaps are read from the root's log. */
const recentHeld = 256;

interface ShardIdentity {
	chatId: string;
	index: number;
	chat: ChatSettings;
}

/**
 * One shard of a chat that outgrew its root: it holds up to ROOM_SHARD_CAPACITY of the chat's
 * sockets, relays what the root fans out to them, and forwards what they send to the root, which
 * alone orders and stores. Its own storage holds only who it is and the last seq it delivered.
 */
export class ChatShard extends DurableObject<Env> {
	private readonly settings: Settings;
	private readonly hub: SocketHub;
	private readonly presence: LocalPresence;
	private readonly inbox: FanoutInbox;
	private readonly recent = new RecentMessages(recentHeld);
	private readonly mirror = new OnlineMirror();
	private identity: ShardIdentity | null;
	/** Whether this instance has told the root who it holds and learnt the chat's state. */
	private attached: Promise<boolean> | null = null;
	/** Whether the root counts sockets here, and so sends this shard its batches. */
	private counted = false;
	private readonly events = new RoomEvents(
		() => ({ chatId: this.identity?.chatId, shard: this.identity?.index ?? -1 }),
		new Metrics(this.env),
	);

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.settings = readSettings(env);
		this.identity = ctx.storage.kv.get<ShardIdentity>("identity") ?? null;
		const reported = ctx.storage.kv.get<number>("reportedSockets") ?? 0;
		this.presence = new LocalPresence(
			this.settings.presenceWindowMs,
			(delta) => this.report(delta),
			reported,
		);
		this.hub = new SocketHub(ctx, (user) => this.presence.restore(user));
		this.inbox = new FanoutInbox(
			ctx.storage.kv.get<number>("delivered") ?? 0,
			(after, upto) => {
				this.events.fanoutGap(after, upto);
				return this.root().rangeForShard(after, upto);
			},
			(events) => this.emit(events),
			// Unconfirmed: a restart that loses this write also dropped every socket it was for.
			(seq) => void ctx.storage.put("delivered", seq, { allowUnconfirmed: true }),
		);
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
		// A restart drops every socket without a close event: if the root counted some here, it must
		// hear who is really left.
		const identity = this.identity;
		if (identity) this.events.woke();
		if (identity && this.hub.size !== reported) {
			void this.attach(identity.chatId, identity.index, null).catch(() => undefined);
		}
	}

	// --- RPC, called by the root ---

	async deliver(batch: FanoutBatch): Promise<void> {
		this.hub.sockets();
		await this.inbox.accept(batch);
	}

	// --- Platform handlers ---

	/** Only upgrades arrive here, already authenticated and routed by the Worker. */
	override async fetch(request: Request): Promise<Response> {
		const user = readVerifiedUser(request);
		const index = readShardIndex(request.headers.get(shardHeader));
		const chatId = new URL(request.url).pathname.split("/")[3] ?? "";
		if (!user || index === null || index === 0)
			return this.refuse(400, "bad_request", "Not a routed upgrade");
		if (this.hub.size >= this.settings.roomShardCapacity) {
			this.events.refused("full", 503);
			return shardFull(index + 1);
		}
		if (!(await this.attach(chatId, index, user))) return this.refuse(404, "not_found", "No such chat");
		const chat = this.identity?.chat;
		if (!chat) return this.refuse(404, "not_found", "No such chat");
		const since = replayWanted(request);

		// Admitted in line with the fan-out, so the seq it is greeted with is exactly what this
		// shard has delivered: the replay ends there and live frames take over after it.
		return this.inbox.run(async () => {
			const upto = this.inbox.lastSeq;
			const replay = since === null ? null : await this.replay(since, upto, chat.history);
			const { client, server } = this.hub.accept(user);
			this.presence.join(user);
			const local = this.presence.users();
			sendFrame(server, {
				type: "ready",
				user,
				chat,
				online: this.mirror.list(local, limits.onlineListMax),
				onlineCount: this.mirror.count(local),
				lastSeq: upto,
				...(replay && { replay: replay.summary }),
			});
			for (const message of replay?.messages ?? []) sendFrame(server, { type: "message", message });
			this.events.admitted(this.hub.size, replay?.summary ?? null);
			return new Response(null, { status: 101, webSocket: client });
		});
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

	// --- Internals ---

	private readonly upstream: Upstream = {
		post: (user, text, clientId, saved) => this.root().postFromShard(user, text, clientId, saved),
		remove: (user, seq) => this.root().deleteFromShard(user, seq),
		typing: (user) => this.root().typingFromShard(user),
	};

	private refuse(status: number, code: Parameters<typeof errorBodyOf>[0], message: string): Response {
		this.events.refused(code, status);
		return errorJson(status, code, message);
	}

	private root() {
		if (!this.identity) throw new Error("a shard was used before it attached");
		return rootObject(this.env, this.identity.chatId);
	}

	/**
	 * Once per instance, and again whenever a socket joins a shard the root no longer sends to:
	 * tells the root every user held here (replacing what it knew, so a restart that lost sockets
	 * cannot leave ghosts) and learns the chat, its last seq, who is online and the newest
	 * messages. It runs in the fan-out's line, so batches wait for it.
	 */
	private attach(chatId: string, index: number, joining: UserRef | null): Promise<boolean> {
		if (this.attached && (joining === null || this.counted)) return this.attached;
		this.attached = this.inbox
			.run(async () => {
				const held = this.presence.users();
				if (joining && !held.some((user) => user.id === joining.id)) {
					held.push({ id: joining.id, name: joining.name });
				}
				const sockets = this.presence.sockets + (joining ? 1 : 0);
				const welcome = await rootObject(this.env, chatId).attachShard(index, held, sockets);
				if (!welcome) return false;
				this.counted = sockets > 0;
				this.presence.markReported(held);
				const identity = { chatId, index, chat: welcome.chat };
				if (JSON.stringify(identity) !== JSON.stringify(this.identity)) {
					this.identity = identity;
					this.ctx.storage.kv.put("identity", identity);
				}
				this.inbox.advanceTo(welcome.lastSeq);
				this.recent.reset(welcome.recentAfter, welcome.recent, welcome.lastSeq);
				this.mirror.reset(welcome.online, welcome.onlineCount);
				return true;
			})
			.catch((error: unknown) => {
				this.attached = null;
				throw error;
			});
		return this.attached;
	}

	private async replay(since: number, upto: number, history: boolean) {
		if (!history) return { summary: { since, missed: 0, replayed: 0, firstSeq: null }, messages: [] };
		const held = this.recent.between(since, upto);
		if (held && held.length <= limits.replayMax) {
			return {
				messages: held,
				summary: { since, missed: held.length, replayed: held.length, firstSeq: held[0]?.seq ?? null },
			};
		}
		return this.root().replayForShard(since, upto);
	}

	private emit(events: FanoutEvent[]): void {
		this.events.delivered(events.filter((event) => event.kind === "message").length, this.hub.size);
		for (const event of events) {
			switch (event.kind) {
				case "message":
					this.recent.add(event.message);
					this.hub.broadcast(JSON.stringify({ type: "message", message: event.message }));
					break;
				case "deleted":
					this.recent.redact(event.seq);
					this.hub.broadcast(JSON.stringify({ type: "deleted", seq: event.seq }));
					break;
				case "presence":
					this.mirror.apply(event.frame);
					this.hub.broadcast(JSON.stringify(event.frame));
					break;
				case "typing":
					this.hub.broadcast(JSON.stringify({ type: "typing", user: event.user }), event.user.id);
					break;
			}
		}
	}

	private report(delta: { joined: UserRef[]; left: UserRef[]; sockets: number }): void {
		const identity = this.identity;
		if (!identity) return;
		void this.ctx.storage.put("reportedSockets", delta.sockets, { allowUnconfirmed: true });
		// A shard that empties is no longer sent batches, so the next socket here attaches afresh.
		this.counted = delta.sockets > 0;
		this.root()
			.shardPresence(identity.index, delta.joined, delta.left, delta.sockets)
			.catch((error: unknown) => {
				// The delta is lost: attaching again replaces what the root knows with the whole truth.
				console.error("presence report failed", error);
				this.attached = null;
				void this.attach(identity.chatId, identity.index, null).catch(() => undefined);
			});
	}

	private depart(socket: WebSocket): void {
		const departure = this.hub.depart(socket);
		if (departure) this.presence.leave(departure.attachment.user, departure.counted);
	}
}

function errorJson(status: number, code: Parameters<typeof errorBodyOf>[0], message: string): Response {
	return Response.json(errorBodyOf(code, message), { status });
}
