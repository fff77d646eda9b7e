import type { DoorState } from "../door/door-state";
import type { ChatMessage, ChatSettings, UserRef } from "../protocol";

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
	/** The chat's door (keys, visibility, bans, moderators), so the shard admits tokens and sockets itself. */
	door: DoorState;
}
