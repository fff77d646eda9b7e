import { limits, type UserRef } from "../protocol";

export interface PresenceDelta {
	/** Users whose first socket on this object opened (or who came back under a new name). */
	joined: UserRef[];
	/** Users whose last socket on this object closed. */
	left: UserRef[];
	/** Sockets this object holds now. */
	sockets: number;
}

/**
 * Who holds a socket on one object, by user, and what changed since it last said so. Every
 * object that holds sockets reports the same way: a shard to its root over RPC, at most once per
 * window (a join storm costs the root one call per window, not one per join); the root to its
 * own merge of the chat's presence, in place and at once (window 0). Unlike a presence frame, a
 * report names everyone who changed: the chat's counts are built from it and must never drift.
 */
export class LocalPresence {
	private readonly online = new Map<string, { user: UserRef; sockets: number }>();
	/** The users the receiver was last told are here. */
	private reported = new Map<string, UserRef>();
	/** Users whose standing moved since the last report; only they are looked at. */
	private readonly touched = new Set<string>();
	/** Users online here whom the receiver has not been told of: kept as they change, not searched for. */
	private readonly fresh = new Map<string, UserRef>();
	/** Moves whenever the first `limits.onlineListMax` of `fresh` may have changed (unreportedHead). */
	private freshHead = 0;
	private socketCount = 0;
	private reportedSockets: number;
	private timer: ReturnType<typeof setTimeout> | null = null;

	constructor(
		/** 0: report at once, in the same call; otherwise at most once per window. */
		private readonly windowMs: number,
		private readonly report: (delta: PresenceDelta) => void,
		reportedSockets = 0,
	) {
		this.reportedSockets = reportedSockets;
	}

	get sockets(): number {
		return this.socketCount;
	}

	users(): UserRef[] {
		return [...this.online.values()].map(({ user }) => user);
	}

	/**
	 * Users online here whom the receiver has not been told of yet (since the last report): what a
	 * greeting adds to the chat-wide list it copies. Every greeting in a join storm asks, so the
	 * answer is kept up to date rather than looked for among the users touched since the report.
	 */
	unreported(): ReadonlyMap<string, UserRef> {
		return this.fresh;
	}

	/**
	 * Changes when the first `limits.onlineListMax` unreported users may have: a greeting that
	 * lists only those (a storm's) may be given the list it gave the last joiner while this stays.
	 */
	get unreportedHead(): number {
		return this.freshHead;
	}

	/** Counts a socket that is already connected, without reporting it (after a wake-up). */
	restore(user: UserRef): void {
		this.add(user);
		this.reported.set(user.id, copy(user));
	}

	join(user: UserRef): void {
		const here = this.add(user);
		if (!this.reported.has(user.id)) {
			// A newcomer beyond the first hundred changes nothing a greeting lists.
			if (this.fresh.has(user.id) || this.fresh.size < limits.onlineListMax) this.freshHead += 1;
			this.fresh.set(user.id, here);
		}
		this.touched.add(user.id);
		this.schedule();
	}

	/**
	 * `counted` is false for a socket that closed while the object slept: it was gone before the
	 * sockets were counted again, yet the receiver was told of its user, who must be seen to leave.
	 */
	leave(user: UserRef, counted = true): void {
		if (!counted) {
			if (!this.online.has(user.id)) {
				this.reported.set(user.id, copy(user));
				this.touched.add(user.id);
			}
			this.schedule();
			return;
		}
		const entry = this.online.get(user.id);
		if (!entry) return;
		this.socketCount -= 1;
		entry.sockets -= 1;
		if (entry.sockets === 0) {
			this.online.delete(user.id);
			if (this.fresh.delete(user.id)) this.freshHead += 1;
		}
		this.touched.add(user.id);
		this.schedule();
	}

	/** What the receiver now knows, after it was told everything at once (a shard attaching). */
	markReported(users: UserRef[]): void {
		this.reported = new Map(users.map((user) => [user.id, copy(user)]));
		this.fresh.clear();
		this.freshHead += 1;
		for (const [id, { user }] of this.online) if (!this.reported.has(id)) this.fresh.set(id, user);
		this.touched.clear();
		for (const id of this.online.keys()) this.touched.add(id);
		for (const id of this.reported.keys()) this.touched.add(id);
		// The root counted an estimate of the sockets: the next report sends the real number.
		this.reportedSockets = -1;
		this.schedule();
	}

	/** Reports the change since the last report now; nothing when neither users nor sockets moved. */
	flush(): void {
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = null;
		const joined: UserRef[] = [];
		const left: UserRef[] = [];
		for (const id of this.touched) {
			const here = this.online.get(id)?.user;
			const told = this.reported.get(id);
			// A user known under another name is reported again: they renamed themselves.
			if (here && told?.name !== here.name) {
				joined.push(here);
				this.reported.set(id, here);
			} else if (!here && told) {
				left.push(told);
				this.reported.delete(id);
			}
		}
		this.touched.clear();
		// Everyone online here has now been told of: those touched just now, the others before.
		if (this.fresh.size > 0) this.freshHead += 1;
		this.fresh.clear();
		if (joined.length === 0 && left.length === 0 && this.socketCount === this.reportedSockets) return;
		this.reportedSockets = this.socketCount;
		this.report({ joined, left, sockets: this.socketCount });
	}

	/** Counts the socket; returns the user as kept here. */
	private add(user: UserRef): UserRef {
		this.socketCount += 1;
		const entry = this.online.get(user.id);
		const kept = copy(user);
		if (entry) {
			entry.sockets += 1;
			entry.user = kept;
		} else this.online.set(user.id, { user: kept, sockets: 1 });
		return kept;
	}

	private schedule(): void {
		if (this.windowMs <= 0) this.flush();
		else this.timer ??= setTimeout(() => this.flush(), this.windowMs);
	}
}

/** Only what presence shows: callers may pass a richer object (a session user). */
function copy(user: UserRef): UserRef {
	return { id: user.id, name: user.name };
}
