import { accessOf } from "../door/admission";
import { type ChatMessage, type ChatSettings, limits, type UserRef } from "../protocol";
import { shardObject } from "../routing/shard-address";
import type { RoomInit } from "../sequencer/room-record";
import type { Sequencer } from "../sequencer/sequencer";
import type { ShardDoor } from "../door/door-copy";
import { settingsOf } from "./chat-admin";
import type { FanoutEvent } from "../fanout/fanout-batch";
import type { ModerationDesk, ModerationRequest } from "./moderation-desk";
import type { RootSockets } from "./root-sockets";
import type { ShardRegistry } from "./shard-registry";

/** Messages a new shard is handed, so that it answers most resumes without asking. */
const recentForShards = 256;

/** What a shard learns when it attaches: enough to greet sockets and resume them on its own. */
export interface ShardWelcome {
	chat: ChatSettings;
	lastSeq: number;
	/** The chat's change counter as of `lastSeq`. */
	rev: number;
	online: UserRef[];
	onlineCount: number;
	/** The newest messages, with every message after `recentAfter`. */
	recent: ChatMessage[];
	recentAfter: number;
	/** Bans in force, so the shard refuses banned users' upgrades itself. */
	bans: Array<{ userId: string; until: number | null }>;
	/** User ids of the chat's moderators, for the role sockets are greeted with. */
	moderators: string[];
	/** The chat's door, so the shard admits tokens itself. */
	door: ShardDoor;
}

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
		const { sequencer, desk } = this.parts;
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
			bans: desk.bans(Date.now()).map(({ userId, until }) => ({ userId, until })),
			moderators: this.moderatorIds(),
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
	 * After a moderation was applied. Shards greet sockets and admit tokens with the role the
	 * chat's list gives, so they hear of every change, and of every ban's address; the answer
	 * waits until they all have.
	 */
	async moderated(action: ModerationRequest["action"]): Promise<void> {
		if (action === "promote" || action === "demote" || action === "ban") {
			this.parts.sockets.publish({ kind: "moderators", ids: this.moderatorIds() });
		}
		if (action === "ban" || action === "unban") this.parts.sockets.publish(this.changedDoor());
		await this.parts.sockets.fanout.flush();
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

	private door(): ShardDoor {
		const chat = this.parts.sequencer.require();
		return {
			version: this.doorVersion,
			access: accessOf(chat),
			bannedAddresses: this.parts.desk.bannedAddresses(Date.now()),
		};
	}

	private moderatorIds(): string[] {
		return this.parts.desk.moderators().map((moderator) => moderator.userId);
	}
}
