import type { Settings } from "../config";
import { Fanout } from "../fanout/fanout";
import type { FanoutEvent } from "../fanout/fanout-batch";
import type { RoomEvents } from "../observability/room-events";
import type { ModerationFrame } from "../protocol";
import { shardObject } from "../routing/shard-address";
import type { Sequencer } from "../sequencer/sequencer";
import { closeSocketsFor } from "../sockets/closing";
import { frameOfEvent, senderOf } from "../sockets/event-frames";
import { SocketHub } from "../sockets/socket-hub";
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
 * Every socket of the chat as the root reaches it: its own (the hub) at once, the shards' with
 * the fan-out's batches; who is online over all of them (presence); and how many there are,
 * which the metrics, the directory and the occupancy webhook follow.
 */
export class RootSockets {
	readonly hub: SocketHub;
	readonly presence: Presence;
	readonly fanout: Fanout;

	constructor(private readonly parts: SocketsParts) {
		const { ctx, env, settings, sequencer, shards, webhooks } = parts;
		this.presence = new Presence(settings.presenceWindowMs, (frame) => {
			// A window can close after the chat was deleted: its sockets are gone, nothing to say.
			const chat = sequencer.info;
			if (!chat) return;
			this.publish({ kind: "presence", frame });
			// member.joined / member.left are coalesced exactly as the frames are.
			webhooks.presence(chat.id, frame);
		});
		this.hub = new SocketHub(ctx, (user) => this.presence.restore(user));
		this.fanout = new Fanout(
			// A deleted chat (info gone) fans out nothing, whatever presence still has to say.
			() => (sequencer.info ? shards.active() : []),
			(idx) => shardObject(env, sequencer.require().id, idx),
			() => sequencer.newestSeq,
			settings.fanoutDirectMax,
			settings.fanoutBatchMs,
		);
	}

	/** Open sockets of the whole chat, over every object that holds some. */
	connections(): number {
		return this.hub.size + this.parts.shards.sockets;
	}

	/** To the root's own sockets at once, and to every shard with the turn's batch. */
	publish(event: FanoutEvent, seqBefore?: number): void {
		const frame = frameOfEvent(event);
		if (frame) this.hub.broadcast(JSON.stringify(frame), senderOf(event));
		if (event.kind === "message") this.parts.events.delivered(1, this.hub.size);
		if (event.kind === "moderation") this.disconnect(event.frame);
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

	depart(socket: WebSocket): void {
		const departure = this.hub.depart(socket);
		if (departure) this.presence.leave(departure.attachment.user, departure.counted);
		this.occupancyChanged();
	}

	/** The chat's count moved: a public chat's directory entry and the occupancy webhook follow. */
	occupancyChanged(): void {
		this.parts.reportSoon();
		const chat = this.parts.sequencer.info;
		if (chat) this.parts.webhooks.occupancy(chat.id, this.connections());
	}

	/** A kick or ban closes the user's sockets on this object; every other object does the same. */
	private disconnect(frame: ModerationFrame): void {
		for (const socket of closeSocketsFor(this.hub, frame)) this.depart(socket);
	}
}
