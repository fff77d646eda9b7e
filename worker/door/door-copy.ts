import { type Admission, admitAt, type ChatAccess, type DoorRules, type DoorState } from "./admission";
import type { Role, SessionUser } from "../protocol";
import { roleByList } from "../sequencer/moderation";
import type { BanMirror } from "../sockets/closing";

/**
 * What a shard needs to admit tokens itself: the chat's key digests and visibility, and the
 * address digests of its banned users. The root sends it whole, with a version, whenever any of
 * it changes (a stale copy from a retried batch must not win).
 */
export interface ShardDoor {
	version: number;
	access: ChatAccess;
	bannedAddresses: Array<{ address: string; until: number | null }>;
}

/** A user a shard let in, for the root's list of known users (which moderation targets need). */
export interface NotedUser {
	user: SessionUser;
	address: string | null;
	at: number;
}

/** Noted users kept for the root at most; past that the oldest are dropped. */
const notedMax = 1000;

/**
 * A shard's copy of the chat's door, so a token for a spread chat is admitted where the joiner's
 * socket will go, and not by the root's one thread. The root waits for every shard to take a
 * change of the door (a rotated key, a ban, a demotion) before it answers, so the copy counts at once.
 */
export class DoorMirror implements DoorRules, DoorState {
	private door: ShardDoor | null = null;
	private noted: NotedUser[] = [];

	constructor(
		private readonly bans: BanMirror,
		private readonly moderators: () => ReadonlySet<string>,
		/** Called when a user was noted: the shard sends them to the root soon, several at once. */
		private readonly onNoted: (pending: number) => void,
	) {}

	/** The door as of the last welcome or batch, or null before the first. */
	get access(): ChatAccess | null {
		return this.door?.access ?? null;
	}

	take(door: ShardDoor): void {
		if (this.door === null || door.version >= this.door.version) this.door = door;
	}

	forget(): void {
		this.door = null;
	}

	/** A token for `user` at this shard's door (a refresh when `fresh` is false). */
	admit(user: SessionUser, address: string | null, fresh: boolean, now: number): Admission {
		return admitAt(this, user, address, fresh, now);
	}

	userBan(userId: string, now: number): number | null | undefined {
		return this.bans.banOf(userId, now);
	}

	addressBan(address: string, now: number): number | null | undefined {
		return this.door?.bannedAddresses.find(
			(ban) => ban.address === address && (ban.until === null || ban.until > now),
		)?.until;
	}

	roleOf(user: SessionUser): Role {
		return roleByList(user, this.moderators());
	}

	note(user: SessionUser, address: string | null, now: number): void {
		this.noted.push({ user, address, at: now });
		if (this.noted.length > notedMax) this.noted.shift();
		this.onNoted(this.noted.length);
	}

	/** The users noted since the last call, for the root. */
	takeNoted(): NotedUser[] {
		const noted = this.noted;
		this.noted = [];
		return noted;
	}

	/** Puts back users the root could not be told of, ahead of newer ones. */
	restore(noted: NotedUser[]): void {
		this.noted = [...noted, ...this.noted].slice(-notedMax);
	}
}
