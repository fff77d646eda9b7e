import { admitJoiner } from "../door/admission";
import type { RoomEvents } from "../observability/room-events";
import { type IssuedToken, refusal, type SessionUser } from "../protocol";
import { refusals } from "../refusals";
import { joinRegionHeader, shardFull } from "../routing/shard-address";
import { readRegion } from "../routing/shard-region";
import { settingsOf } from "../sequencer/room-record";
import type { Sequencer } from "../sequencer/sequencer";
import { type ReadyFields, readyJson } from "../sockets/ready-json";
import { answeredProtocol, readJoiner, refuseUpgrade, resumeWanted } from "../sockets/socket-request";
import type { ModerationDesk } from "./moderation-desk";
import type { RootSockets } from "./root-sockets";
import type { ShardRegistry } from "./shard-registry";

/** The root's parts a socket is let in with. */
export interface RootUpgradeParts {
	sequencer: Sequencer;
	desk: ModerationDesk;
	shards: ShardRegistry;
	sockets: RootSockets;
	events: RoomEvents;
	/** The most sockets one object holds (ROOM_SHARD_CAPACITY). */
	capacity: number;
	/** Signs the token of a socket that joined by name. */
	issue: (chatId: string, user: SessionUser) => Promise<IssuedToken>;
}

/**
 * A socket's admission at the root: its upgrade is refused (no chat, a ban, a full root that names
 * the shard to try), or accepted and greeted with `ready`, what it missed, and what changed meanwhile.
 */
export class RootUpgrade {
	constructor(private readonly room: RootUpgradeParts) {}

	/** Only WebSocket upgrades arrive here, authenticated (or a join by name) and routed by the Worker. */
	async accept(request: Request): Promise<Response> {
		const { sequencer, desk, sockets, events } = this.room;
		const { holder, presence } = sockets;
		const chat = sequencer.info;
		if (!chat) return refuseUpgrade(events, refusals.chatNotFound());
		if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
			return refuseUpgrade(events, refusal(426, "upgrade_required", "Expected a WebSocket upgrade"));
		}
		const joiner = readJoiner(request);
		if (!joiner) return refuseUpgrade(events, refusal(401, "unauthorized", "Missing verified user"));
		const admitted = await admitJoiner(joiner, chat, desk, Date.now());
		if (admitted.kind === "refused") return refuseUpgrade(events, admitted);
		const { user } = admitted;
		if (holder.size >= this.room.capacity) {
			events.refused("full", 503);
			const region = readRegion(request.headers.get(joinRegionHeader));
			return shardFull(this.room.shards.suggest(this.room.capacity, region));
		}
		const token = admitted.joined ? await this.room.issue(chat.id, user) : undefined;

		const { since, rev } = resumeWanted(request);
		const replay = since === null ? null : sequencer.replay(since);
		const changes = since !== null && rev !== null ? sequencer.changesSince(rev, since) : [];
		// The root has sent its own sockets everything it stored: its delivered seq is its newest.
		const response = holder.admit(user, since, sequencer.newestSeq, answeredProtocol(request), () => {
			const ready: ReadyFields = {
				type: "ready",
				user,
				chat: settingsOf(chat),
				onlineCount: presence.count,
				lastSeq: sequencer.newestSeq,
				rev: sequencer.rev,
				...(replay && { replay: replay.summary }),
				...(token && { token }),
			};
			return { ready: readyJson(ready, presence.listJson()), missed: replay?.messages ?? [], changes };
		});
		events.admitted(holder.size, replay?.summary ?? null);
		return response;
	}
}
