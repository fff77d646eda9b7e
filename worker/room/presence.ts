import { limits, type PresenceFrame, type UserRef } from "../protocol";
import { onlineJson } from "../sockets/ready-json";

interface OnlineUser {
	user: UserRef;
	sockets: number;
}

/**
 * Who is online, by user: a user joins with their first socket and leaves with their last.
 *
 * Changes are coalesced: within one window every join and leave is collected and a single
 * `presence` frame goes out at its end. A storm of N joins thus costs one broadcast per window
 * instead of one per join (N broadcasts of up to N sockets each: O(N^2) frames). A frame names at
 * most `limits.presenceListMax` joins and as many leaves (`limits.presenceSampleMax` once the room
 * outgrows the online list of `ready`) and counts the rest, so that the storm's bytes stay O(N)
 * per window too; the online count is always exact.
 */
export class Presence {
	private readonly online = new Map<string, OnlineUser>();
	/** Users touched in the current window, with whether they were online when it opened. */
	private readonly touched = new Map<string, { user: UserRef; wasOnline: boolean; renamed?: boolean }>();
	private timer: ReturnType<typeof setTimeout> | null = null;
	/** `ready`'s online list as JSON (listJson), kept until a change could alter it. */
	private listed: string | null = null;

	constructor(
		private readonly baseWindowMs: number,
		private readonly publish: (frame: PresenceFrame) => void,
	) {}

	get count(): number {
		return this.online.size;
	}

	list(max: number): UserRef[] {
		const users: UserRef[] = [];
		for (const { user } of this.online.values()) {
			if (users.length >= max) break;
			users.push(user);
		}
		return users;
	}

	/**
	 * `ready`'s online list, the first `limits.onlineListMax` users online, as onlineJson writes
	 * it. A big chat greets every joiner with the same list (users come
	 * last in the list, and the first hundred stay until one of them leaves), so it is built again
	 * only after a change that could alter it.
	 */
	listJson(): string {
		this.listed ??= onlineJson(this.list(limits.onlineListMax));
		return this.listed;
	}

	/** Counts a socket that is already connected, without announcing it (after a wake-up). */
	restore(user: UserRef): void {
		this.addSocket(user);
	}

	join(user: UserRef): void {
		this.touch(user);
		this.rename(user);
		this.addSocket(user);
		this.scheduleFlush();
	}

	/**
	 * Someone online under another name now (they changed it and came back with a new token):
	 * the next frame lists them among `joined` again with the new name; clients replace by id.
	 */
	rename(user: UserRef): void {
		const entry = this.online.get(user.id);
		if (!entry || entry.user.name === user.name) return;
		entry.user = { id: user.id, name: user.name };
		this.listed = null;
		this.touch(user);
		const touched = this.touched.get(user.id);
		if (touched) touched.renamed = true;
		this.scheduleFlush();
	}

	/**
	 * `counted` is false for a socket that closed while the room slept: it was gone before the room
	 * rebuilt its counts, yet its user may have been online through it alone, and must be seen leave.
	 */
	leave(user: UserRef, counted = true): void {
		const entry = this.online.get(user.id);
		if (!counted) {
			if (entry) return;
			if (!this.touched.has(user.id))
				this.touched.set(user.id, { user: { id: user.id, name: user.name }, wasOnline: true });
			this.scheduleFlush();
			return;
		}
		if (!entry) return;
		this.touch(user);
		entry.sockets -= 1;
		if (entry.sockets === 0) {
			this.online.delete(user.id);
			this.listed = null;
		}
		this.scheduleFlush();
	}

	/** Sends the window's net changes now; a user who joined and left within it is not mentioned. */
	flush(): void {
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = null;
		const joined: UserRef[] = [];
		const left: UserRef[] = [];
		const unlisted = { joined: 0, left: 0 };
		const named = this.online.size > limits.onlineListMax ? limits.presenceSampleMax : limits.presenceListMax;
		for (const [id, { user, wasOnline, renamed }] of this.touched) {
			const isOnline = this.online.has(id);
			if (isOnline && (!wasOnline || renamed)) {
				if (joined.length < named) joined.push(this.online.get(id)?.user ?? user);
				else unlisted.joined += 1;
			} else if (!isOnline && wasOnline) {
				if (left.length < named) left.push(user);
				else unlisted.left += 1;
			}
		}
		this.touched.clear();
		if (joined.length === 0 && left.length === 0) return;
		const frame: PresenceFrame = { type: "presence", joined, left, online: this.online.size };
		if (unlisted.joined > 0 || unlisted.left > 0) frame.unlisted = unlisted;
		this.publish(frame);
	}

	private addSocket(user: UserRef): void {
		const entry = this.online.get(user.id);
		if (entry) entry.sockets += 1;
		else {
			// A newcomer is listed only while the list has room: it is appended to the online users.
			if (this.online.size < limits.onlineListMax) this.listed = null;
			// Copy only what presence frames show: callers may pass a richer object (a session user).
			this.online.set(user.id, { user: { id: user.id, name: user.name }, sockets: 1 });
		}
	}

	private touch(user: UserRef): void {
		if (!this.touched.has(user.id)) {
			this.touched.set(user.id, {
				user: { id: user.id, name: user.name },
				wasOnline: this.online.has(user.id),
			});
		}
	}

	/**
	 * The window widens with the room: one more base window per 500 users online, up to eight
	 * (250 ms up to 500 users, 2 s from 3,500). Every frame goes to every socket, so in a room of
	 * thousands fewer, fuller frames are what keeps a join storm from starving the room's thread,
	 * and a second or two of delay in such a room's online count goes unnoticed.
	 */
	get windowMs(): number {
		return this.baseWindowMs * Math.min(8, Math.max(1, Math.ceil(this.online.size / 500)));
	}

	private scheduleFlush(): void {
		this.timer ??= setTimeout(() => this.flush(), this.windowMs);
	}
}
