import type { DoorState } from "../door/door-state";
import type { FanoutEvent } from "../fanout/fanout-batch";
import type { ShardWelcome } from "../fanout/shard-welcome";
import { limits } from "../protocol";
import { shardObject } from "../routing/shard-address";
import { type RoomInit, settingsOf } from "../sequencer/room-record";
import type { Sequencer } from "../sequencer/sequencer";
import type { ModerationDesk, ModerationRequest } from "./moderation-desk";
import type { RootSockets } from "./root-sockets";
import type { ShardRegistry } from "./shard-registry";

/** Messages a new shard is handed, so that it answers most resumes without asking. */
const recentForShards = 256;

/** The root's parts the shards' copies are made from and sent with. */
export interface SyncParts {
	env: Env;
	sequencer: Sequencer;
	desk: ModerationDesk;
	shards: ShardRegistry;
	sockets: RootSockets;
}

/**
 * What the root's shards keep a copy of, so that they greet sockets and admit tokens on their
 * own: all of it in the welcome when one attaches, then every change of the chat's door or of
 * its moderators. The users the shards let in come back the other way (shard/door-mirror.ts is
 * the shards' side).
 */
export class ShardSync {
	/** Orders the door's copies on the shards; the clock's start keeps it rising over restarts. */
	private doorVersion = Date.now();

	constructor(private readonly parts: SyncParts) {}

	/** The welcome of a shard that attaches to `chat`, once the root counted what it holds. */
	welcome(chat: RoomInit): ShardWelcome {
		const { sequencer } = this.parts;
		const { presence } = this.parts.sockets;
		const recent = sequencer.newest(recentForShards);
		const lastSeq = sequencer.newestSeq;
		return {
			chat: settingsOf(chat),
			lastSeq,
			rev: sequencer.rev,
			online: presence.list(limits.onlineListMax),
			onlineCount: presence.count,
			recent,
			recentAfter: recent.length < recentForShards ? 0 : (recent[0]?.seq ?? lastSeq) - 1,
			door: this.door(),
		};
	}

	/**
	 * Tells every shard the chat's door changed, and returns once they all took it: a rotated key
	 * or a private chat's invisibility must count at the shards' doors as at the root's.
	 */
	async changeDoor(): Promise<void> {
		this.parts.sockets.publish(this.changedDoor());
		await this.parts.sockets.fanout.flush();
	}

	/**
	 * After a moderation was applied. A ban or its lifting, and a change of the moderators, change
	 * the door every shard admits by: the answer waits until they all took it. (A kick or a mute
	 * changes no door: sockets are closed by the moderation frame, and writes are checked here.)
	 */
	async moderated(action: ModerationRequest["action"]): Promise<void> {
		if (action === "kick" || action === "mute" || action === "unmute") return;
		await this.changeDoor();
	}

	/** The users the shards let in and have not reported yet, remembered here before a moderation. */
	async collectNotedUsers(): Promise<void> {
		const { env, sequencer, shards, desk } = this.parts;
		const chatId = sequencer.require().id;
		const taken = await Promise.allSettled(
			shards.active().map((idx) => shardObject(env, chatId, idx).takeNotedUsers()),
		);
		for (const result of taken) if (result.status === "fulfilled") desk.noteAll(result.value);
	}

	private changedDoor(): FanoutEvent {
		this.doorVersion = Math.max(this.doorVersion + 1, Date.now());
		return { kind: "door", door: this.door() };
	}

	private door(): DoorState {
		return this.parts.desk.door(this.parts.sequencer.require(), this.doorVersion, Date.now());
	}
}
