import type { Settings } from "../config";
import { Fanout } from "../fanout/fanout";
import type { FanoutEvent } from "../fanout/fanout-batch";
import { fanoutPlan } from "../fanout/fanout-plan";
import type { RoomEvents } from "../observability/room-events";
import type { UserRef } from "../protocol";
import { shardObject } from "../routing/shard-address";
import type { Sequencer } from "../sequencer/sequencer";
import type { PresenceDelta } from "../sockets/local-presence";
import { SocketHolder } from "../sockets/socket-holder";
import type { RoomWebhooks } from "../webhooks/room-webhooks";
import { Presence } from "./presence";
import type { MembershipChange, ShardRegistry } from "./shard-registry";

/** The root's parts the chat's sockets and their counts depend on. */
export interface SocketsParts {
	ctx: DurableObjectState;
	env: Env;
	settings: Settings;
	sequencer: Sequencer;
	shards: ShardRegistry;
	webhooks: RoomWebhooks;
	events: RoomEvents;
	/** A public chat's count is due at the directory. */
	reportSoon: () => void;
}

/**
 * Every socket of the chat as the root reaches it. The root is shard zero: its own sockets are
 * held as any shard's are (SocketHolder) and report who they are the same way, in place; the
 * root's extra jobs are the merge of every object's reports into the chat's presence, and the
 * fan-out of every event to the shards. How many sockets there are in all is what the metrics,
 * the directory and the occupancy webhook follow.
 */
export class RootSockets {
	readonly holder: SocketHolder;
	readonly presence: Presence;
	readonly fanout: Fanout;
	/** The users the root's own sockets count in the merge, once each like a shard's. */
	private readonly own = new Set<string>();

	constructor(private readonly parts: SocketsParts) {
		const { ctx, env, settings, sequencer, shards, webhooks, events } = parts;
		this.presence = new Presence(settings.presenceWindowMs, (frame) => {
			// A window can close after the chat was deleted: its sockets are gone, nothing to say.
			const chat = sequencer.info;
			if (!chat) return;
			this.publish({ kind: "presence", frame });
			// member.joined / member.left are coalesced exactly as the frames are.
			webhooks.presence(chat.id, frame);
		});
		this.holder = new SocketHolder(ctx, {
			presenceWindowMs: 0,
			report: (delta) => this.applyOwn(delta),
			restored: (user) => this.restoreOwn(user),
			refused: (code) => events.frameRefused(code),
		});
		this.fanout = new Fanout(
			// A deleted chat (info gone) fans out nothing, whatever presence still has to say.
			() => (sequencer.info ? shards.active() : []),
			(idx) => shardObject(env, sequencer.require().id, idx),
			() => sequencer.newestSeq,
			(active) => fanoutPlan(active, settings.fanoutDirectMax, sequencer.info?.locationHint ?? null),
			settings.fanoutBatchMs,
		);
	}

	/** Open sockets of the whole chat, over every object that holds some. */
	connections(): number {
		return this.holder.size + this.parts.shards.sockets;
	}

	/** To the root's own sockets at once, and to every shard with the turn's batch. */
	publish(event: FanoutEvent, seqBefore?: number): void {
		this.holder.emit(event);
		if (event.kind === "message") this.parts.events.delivered(1, this.holder.size);
		this.fanout.push(event, seqBefore);
	}

	/** What a shard's attach or report changed in the chat's presence. */
	applyMembership(change: MembershipChange): void {
		for (const user of change.joined) this.presence.join(user);
		for (const user of change.left) this.presence.leave(user);
		for (const user of change.renamed) this.presence.rename(user);
		if (change.joined.length > 0) this.parts.events.roomSize(this.connections());
		this.occupancyChanged();
	}

	/** The chat's count moved: a public chat's directory entry and the occupancy webhook follow. */
	occupancyChanged(): void {
		this.parts.reportSoon();
		const chat = this.parts.sequencer.info;
		if (chat) this.parts.webhooks.occupancy(chat.id, this.connections());
	}

	/** The root's own report, as a shard's would reach it: merged at once. */
	private applyOwn(delta: PresenceDelta): void {
		for (const user of delta.joined) {
			if (this.own.has(user.id)) this.presence.rename(user);
			else {
				this.own.add(user.id);
				this.presence.join(user);
			}
		}
		// A user not counted here left through a socket that closed while the root slept: the
		// merge must still see them leave, whoever else it counts them for.
		for (const user of delta.left) this.presence.leave(user, this.own.delete(user.id));
		if (delta.joined.length > 0) this.parts.events.roomSize(this.connections());
		this.occupancyChanged();
	}

	private restoreOwn(user: UserRef): void {
		if (this.own.has(user.id)) return;
		this.own.add(user.id);
		this.presence.restore(user);
	}
}
