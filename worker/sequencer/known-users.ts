import type { UserRef } from "../protocol";

/**
 * How long a noted user waits in memory before its row is written. A write makes the runtime
 * hold every frame and response the object sends until it has committed (the output gate): one
 * write per join held each join's answer, and halved a join storm's rate. One write per interval
 * holds them once per interval. Nothing is acknowledged by this row; a user lost to a crash in the
 * interval is noted again by their next token or join.
 */
const writeDelayMs = 100;

interface Noted {
	name: string;
	address: string | null;
	at: number;
}

/**
 * The users this chat has let in, by id, with their last name and network-address digest (a
 * keyed HMAC from the Worker, never the address): moderation names users by id, and a ban needs
 * the address digest to refuse new identities from the same place. Rows are written a few at a
 * time (writeDelayMs); reads see the users still waiting as well.
 */
export class KnownUsers {
	private readonly waiting = new Map<string, Noted>();
	private timer: ReturnType<typeof setTimeout> | null = null;

	constructor(private readonly sql: SqlStorage) {}

	createSchema(): void {
		this.sql.exec(`CREATE TABLE IF NOT EXISTS known_users (
			user_id TEXT PRIMARY KEY,
			name TEXT NOT NULL,
			address TEXT,
			seen_at INTEGER NOT NULL
		)`);
	}

	/** Remembers the user's name and, when given, address digest (a null one keeps the last known). */
	note(user: UserRef, address: string | null, now: number): void {
		const earlier = this.waiting.get(user.id);
		this.waiting.set(user.id, { name: user.name, address: address ?? earlier?.address ?? null, at: now });
		this.timer ??= setTimeout(() => this.write(), writeDelayMs);
	}

	/** A user let in here, by id, with the address digest they last used. */
	find(userId: string): { user: UserRef; address: string | null } | null {
		const waiting = this.waiting.get(userId);
		if (waiting?.address) return { user: { id: userId, name: waiting.name }, address: waiting.address };
		const row = this.sql
			.exec<{ name: string; address: string | null }>(
				"SELECT name, address FROM known_users WHERE user_id = ?",
				userId,
			)
			.toArray()[0];
		if (waiting) return { user: { id: userId, name: waiting.name }, address: row?.address ?? null };
		return row ? { user: { id: userId, name: row.name }, address: row.address } : null;
	}

	/** Writes every waiting user now (also what the timer does), in one statement. */
	write(): void {
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = null;
		if (this.waiting.size === 0) return;
		const rows = [...this.waiting].map(([userId, { name, address, at }]) => [userId, name, address, at]);
		this.waiting.clear();
		// One statement for the batch (a join storm notes hundreds at once), its rows as JSON.
		// "WHERE true" tells SQLite the ON CONFLICT belongs to the INSERT, not to the SELECT's join.
		this.sql.exec(
			`INSERT INTO known_users (user_id, name, address, seen_at)
			 SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?) WHERE true
			 ON CONFLICT (user_id) DO UPDATE SET name = excluded.name,
			 address = COALESCE(excluded.address, address), seen_at = excluded.seen_at`,
			JSON.stringify(rows),
		);
	}

	/** The chat is being erased: nothing waiting is written. */
	discard(): void {
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = null;
		this.waiting.clear();
	}
}
