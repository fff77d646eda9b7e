import type { SessionUser, Visibility } from "../protocol";

/** What guards a chat's door: its visibility and key digests. */
export interface ChatAccess {
	visibility: Visibility;
	ownerKeyHash: string;
	inviteKeyHash: string | null;
}

/** A ban in force: the user, when it ends (null: until lifted), and the address digest they last came from. */
export interface DoorBan {
	userId: string;
	until: number | null;
	address: string | null;
}

/**
 * Everything a chat's door decides by. The root keeps it in its storage; each shard holds a copy,
 * sent whole in its welcome and again (one `door` fan-out event) whenever any part changes: a
 * key, the visibility, a ban, a moderator. The version orders the copies: a stale one from a
 * retried batch never wins.
 */
export interface DoorState {
	version: number;
	access: ChatAccess;
	bans: DoorBan[];
	/** User ids of the chat's moderators: the chat's list decides a role, not the token. */
	moderators: string[];
}

/** What the door asks of the state it stands on, wherever that state is held (root or shard copy). */
export interface DoorLookups {
	/** When the ban in force on this user ends (null: until lifted); undefined when there is none. */
	userBan(userId: string, now: number): number | null | undefined;
	/** The same for a ban of anyone last seen at this network-address digest. */
	addressBan(address: string, now: number): number | null | undefined;
	/** Whether the chat's list makes this user a moderator. */
	isModerator(userId: string): boolean;
	/** Remembers who was let in, with their address digest: a later ban of them needs it. */
	note(user: SessionUser, address: string | null, now: number): void;
}

/** The door's access as the root hands it on: only the fields that guard it. */
export function accessOf(chat: ChatAccess): ChatAccess {
	const { visibility, ownerKeyHash, inviteKeyHash } = chat;
	return { visibility, ownerKeyHash, inviteKeyHash };
}
