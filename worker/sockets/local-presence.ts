import type { UserRef } from "../protocol";

export interface PresenceDelta {
	/** Users whose first socket on this object opened in the window. */
	joined: UserRef[];
	/** Users whose last socket on this object closed in the window. */
	left: UserRef[];
	/** Sockets this object holds now. */
	sockets: number;
}

/**
 * Who holds a socket on one shard, by user. The root merges what every shard reports into the
 * chat's presence, so a shard reports only what changed since its last report, at most once per
 * window: a join storm on a shard costs the root one call per window, not one per join. Unlike a
 * presence frame, a report names everyone: the root's counts are built from it and must never drift.
 */
export class LocalPresence {
	private readonly online = new Map<string, { user: UserRef; sockets: number }>();
	/** The users the root was last told are here. */
	private reported = new Map<string, UserRef>();
	private socketCount = 0;
	private reportedSockets: number;
	private timer: ReturnType<typeof setTimeout> | null = null;

	constructor(
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

	/** Counts a socket that is already connected, without reporting it (after a wake-up). */
	restore(user: UserRef): void {
		this.add(user);
		this.reported.set(user.id, copy(user));
	}

	join(user: UserRef): void {
		this.add(user);
		this.schedule();
	}

	/**
	 * `counted` is false for a socket that closed while the object slept: it was gone before the
	 * sockets were counted again, yet the root was told of its user, who must be seen to leave.
	 */
	leave(user: UserRef, counted = true): void {
		if (!counted) {
			if (!this.online.has(user.id)) this.reported.set(user.id, copy(user));
			this.schedule();
			return;
		}
		const entry = this.online.get(user.id);
		if (!entry) return;
		this.socketCount -= 1;
		entry.sockets -= 1;
		if (entry.sockets === 0) this.online.delete(user.id);
		this.schedule();
	}

	/** What the root now knows, after this shard told it everything at once (attaching). */
	markReported(users: UserRef[]): void {
		this.reported = new Map(users.map((user) => [user.id, copy(user)]));
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
		// A user the root knows under another name is reported again: they renamed themselves.
		for (const [id, { user }] of this.online) {
			if (this.reported.get(id)?.name !== user.name) joined.push(user);
		}
		for (const [id, user] of this.reported) if (!this.online.has(id)) left.push(user);
		if (joined.length === 0 && left.length === 0 && this.socketCount === this.reportedSockets) return;
		this.reported = new Map([...this.online].map(([id, { user }]) => [id, user]));
		this.reportedSockets = this.socketCount;
		this.report({ joined, left, sockets: this.socketCount });
	}

	private add(user: UserRef): void {
		this.socketCount += 1;
		const entry = this.online.get(user.id);
		if (entry) {
			entry.sockets += 1;
			entry.user = copy(user);
		} else this.online.set(user.id, { user: copy(user), sockets: 1 });
	}

	private schedule(): void {
		this.timer ??= setTimeout(() => this.flush(), this.windowMs);
	}
}

/** Only what presence shows: callers may pass a richer object (a session user). */
function copy(user: UserRef): UserRef {
	return { id: user.id, name: user.name };
}
