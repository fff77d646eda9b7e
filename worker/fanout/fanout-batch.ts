import type { DoorState } from "../door/door-state";
import type {
	ChatMessage,
	ChatSettings,
	ModerationFrame,
	PresenceFrame,
	ReactionCount,
	UserRef,
} from "../protocol";

/** One thing the root tells every shard, in the order it happened. */
export type FanoutEvent =
	| { kind: "message"; message: ChatMessage; rev?: number }
	| { kind: "deleted"; seq: number; rev?: number }
	| { kind: "edited"; message: ChatMessage; rev: number }
	| { kind: "reactions"; seq: number; reactions: ReactionCount[]; rev: number }
	| { kind: "presence"; frame: PresenceFrame }
	| { kind: "typing"; user: UserRef }
	/** Every socket sees the frame; a kick or ban also closes the named user's sockets (shard-side too). */
	| { kind: "moderation"; frame: ModerationFrame }
	/** New settings: shards greet sockets with them from now on. */
	| { kind: "chat"; chat: ChatSettings }
	/** The chat's door changed (a key, its visibility, a ban, a moderator): shards admit by it. */
	| { kind: "door"; door: DoorState };

/**
 * What the root sends each shard at once: the events of one flush. `after` is the chat's last seq
 * before the first of them, `through` its last seq after them. A shard that has delivered up to
 * `after` applies the batch as it is; one that is behind fetches the missing messages first, and
 * one that is ahead drops the messages it already delivered, so no socket sees a gap or a repeat.
 */
export interface FanoutBatch {
	after: number;
	through: number;
	events: FanoutEvent[];
}
