import type { SessionUser } from "../protocol";
import type { ChatAccess, DoorLookups, DoorState } from "./door-state";

/** A user a shard let in, for the root's list of known users (which moderation targets need). */
export interface NotedUser {
	user: SessionUser;
	address: string | null;
	at: number;
}

/** Noted users kept for the root at most; past that the oldest are dropped. */
const notedMax = 1000;

/**
 * A shard's copy of the chat's door, so a spread chat's tokens and sockets are admitted where
 * the joiner's socket goes, not by the root's one thread. The root waits for every shard to take
 * a change of the door (a rotated key, a ban, a demotion) before it answers, so the copy counts
 * at once. The users let in here are noted for the root, which needs them to moderate.
 */
export class DoorCopy implements DoorLookups {
	private state: DoorState | null = null;
	private moderators = new Set<string>();
	private noted: NotedUser[] = [];

	constructor(
		/** Called when a user was noted: the shard sends them to the root soon, several at once. */
		private readonly onNoted: (pending: number) => void,
	) {}

	/** The door as of the last welcome or batch, or null before the first. */
	get access(): ChatAccess | null {
		return this.state?.access ?? null;
	}

	take(door: DoorState): void {
		if (this.state !== null && door.version < this.state.version) return;
		this.state = door;
		this.moderators = new Set(door.moderators);
	}

	forget(): void {
		this.state = null;
		this.moderators = new Set();
	}

	userBan(userId: string, now: number): number | null | undefined {
		return this.state?.bans.find((ban) => ban.userId === userId && inForce(ban.until, now))?.until;
	}

	addressBan(address: string, now: number): number | null | undefined {
		return this.state?.bans.find((ban) => ban.address === address && inForce(ban.until, now))?.until;
	}

	isModerator(userId: string): boolean {
		return this.moderators.has(userId);
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

function inForce(until: number | null, now: number): boolean {
	return until === null || until > now;
}
