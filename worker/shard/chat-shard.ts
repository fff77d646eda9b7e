import { DurableObject } from "cloudflare:workers";
import { issueSessionToken } from "../auth/tokens";
import { readSettings } from "../config";
import { type AdmissionRequest, admitTokenRequest, type TokenAdmission } from "../door/admission";
import type { NotedUser } from "../door/door-copy";
import { Endpoints } from "../fanout/fanout";
import type { FanoutBatch, FanoutEvent } from "../fanout/fanout-batch";
import { FanoutInbox } from "../fanout/fanout-inbox";
import { relayPlan } from "../fanout/fanout-plan";
import { Metrics } from "../observability/metrics";
import { RoomEvents } from "../observability/room-events";
import { PING, PONG, type SessionUser } from "../protocol";
import { shardObject } from "../routing/shard-address";
import { regionOfShard } from "../routing/shard-region";
import { inDeliveryOrder } from "../sockets/frame-effects";
import { SocketHolder } from "../sockets/socket-holder";
import type { Upstream } from "../sockets/upstream";
import { ChatCopy } from "./chat-copy";
import { NotedReport } from "./noted-report";
import { RootAttach } from "./root-attach";
import { RootLink } from "./root-link";
import { ShardUpgrade } from "./shard-upgrade";

/**
 * One shard of a chat that outgrew its root: it holds up to ROOM_SHARD_CAPACITY of the chat's
 * sockets, relays what the root fans out to them, and forwards what they send to the root, which
 * alone orders and stores. Its own storage holds only who it is and the last seq it delivered.
 */
export class ChatShard extends DurableObject<Env> {
	private readonly holder: SocketHolder;
	private readonly inbox: FanoutInbox;
	private readonly copy: ChatCopy;
	private readonly link: RootLink;
	private readonly noted: NotedReport;
	private readonly rootAttach: RootAttach;
	private readonly upgrade: ShardUpgrade;
	/** The most shards this one calls itself when it relays a batch (ROOM_FANOUT_DIRECT_MAX). */
	private readonly directMax: number;
	/** The root's sequencer, with a retry's answer held to what this shard has delivered. */
	private readonly upstream: Upstream;
	private readonly events = new RoomEvents(
		() => ({ chatId: this.copy.identity?.chatId, shard: this.copy.identity?.index ?? -1 }),
		new Metrics(this.env),
	);

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		const settings = readSettings(env);
		this.directMax = settings.fanoutDirectMax;
		this.copy = new ChatCopy(ctx.storage.kv, (pending) => this.noted.schedule(pending));
		this.link = new RootLink(env, () => this.copy.identity?.chatId);
		this.noted = new NotedReport(this.copy, this.link);
		const reported = ctx.storage.kv.get<number>("reportedSockets") ?? 0;
		this.holder = new SocketHolder(ctx, {
			presenceWindowMs: settings.presenceWindowMs,
			report: (delta) => this.rootAttach.report(delta),
			reportedSockets: reported,
			refused: (code) => this.events.frameRefused(code),
		});
		this.inbox = new FanoutInbox(
			ctx.storage.kv.get<number>("delivered") ?? 0,
			(after, upto) => {
				this.events.fanoutGap(after, upto);
				return this.link.call((root) => root.rangeForShard(after, upto));
			},
			(events) => this.emit(events),
			// Unconfirmed: a restart that loses this write also dropped every socket it was for.
			(seq) => void ctx.storage.put("delivered", seq, { allowUnconfirmed: true }),
		);
		const root = this.link.upstream;
		this.upstream = {
			...root,
			post: async (user, draft, saved) =>
				inDeliveryOrder(await root.post(user, draft, saved), this.inbox.lastSeq),
		};
		const { holder, inbox, copy, link, events } = this;
		const rootAttach = new RootAttach({ storage: ctx.storage, presence: holder.presence, inbox, copy, link });
		const capacity = settings.roomShardCapacity;
		this.rootAttach = rootAttach;
		const issue = (chatId: string, user: SessionUser) => {
			events.tokenAdmitted();
			return issueSessionToken(env.TOKEN_SECRET, chatId, user, settings);
		};
		this.upgrade = new ShardUpgrade({ holder, inbox, copy, link, rootAttach, events, capacity, issue });
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
		// A restart drops every socket without a close event: if the root counted some here, it must
		// hear who is really left.
		const identity = this.copy.identity;
		if (identity) this.events.woke();
		if (identity && this.holder.size !== reported) {
			void this.rootAttach.attach(identity.chatId, identity.index, null).catch(() => undefined);
		}
	}

	// --- RPC, called by the root ---

	/**
	 * A batch from the root, to apply here and, when this shard is a relay, to pass on to the
	 * shards in `relayTo` (in parallel with its own sockets; each of them checks the order itself):
	 * those of this shard's region itself, those of each other region through one of them.
	 */
	async deliver(batch: FanoutBatch, relayTo: number[] = []): Promise<void> {
		this.holder.wake();
		const identity = this.copy.identity;
		const relayed =
			identity === null
				? []
				: [...relayPlan(relayTo, this.directMax, regionOfShard(identity.index))].map(([idx, onward]) =>
						this.relays(identity.chatId).send(idx, batch, onward, () => true),
					);
		await Promise.all([this.inbox.accept(batch), ...relayed]);
	}

	/**
	 * A token for a join that this isolate's Worker will send here. Only a shard the root sends
	 * batches to (it holds sockets) has a door that is up to date; any other leaves it to the root.
	 */
	async admitToken(request: AdmissionRequest): Promise<TokenAdmission | "ask_root"> {
		const access = this.copy.door.access;
		if (!this.rootAttach.counted || access === null || this.copy.identity === null) return "ask_root";
		this.events.tokenAdmitted();
		return admitTokenRequest(access, request, this.copy.door, Date.now());
	}

	/** The users let in here that the root has not heard of yet; the root notes them itself. */
	async takeNotedUsers(): Promise<NotedUser[]> {
		return this.copy.door.takeNoted();
	}

	/** The chat was deleted: close every socket with 4004 and erase what this shard stored. */
	async closeChat(): Promise<void> {
		this.holder.closeAll();
		this.copy.forget();
		this.rootAttach.forget();
		await this.ctx.storage.deleteAll();
	}

	// --- Platform handlers ---

	override async fetch(request: Request): Promise<Response> {
		return this.upgrade.accept(request);
	}

	override async webSocketMessage(socket: WebSocket, raw: string | ArrayBuffer): Promise<void> {
		await this.holder.message(socket, raw, this.upstream);
	}

	override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
		this.holder.closed(socket, code, reason);
	}

	override async webSocketError(socket: WebSocket): Promise<void> {
		this.holder.closed(socket);
	}

	// --- Internals ---

	private relayEndpoints: Endpoints | null = null;

	private relays(chatId: string): Endpoints {
		this.relayEndpoints ??= new Endpoints((idx) => shardObject(this.env, chatId, idx));
		return this.relayEndpoints;
	}

	private emit(events: FanoutEvent[]): void {
		this.events.delivered(events.filter((event) => event.kind === "message").length, this.holder.size);
		for (const event of events) {
			this.copy.apply(event);
			this.holder.emit(event);
		}
	}
}
