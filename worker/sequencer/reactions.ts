import { limits, type ReactionCount } from "../protocol";

export type ReactOutcome =
	| { kind: "changed"; reactions: ReactionCount[] }
	| { kind: "unchanged"; reactions: ReactionCount[] }
	| { kind: "too_many" };

/**
 * Who reacted with what, one row per (message, emoji, user), in the root's SQLite. The counts
 * are also written onto the message itself (MessageLog.setReactions), so history and replays
 * read them with the message and never count rows.
 */
export class Reactions {
	constructor(private readonly sql: SqlStorage) {}

	createSchema(): void {
		this.sql.exec(`CREATE TABLE IF NOT EXISTS reactions (
			seq INTEGER NOT NULL,
			emoji TEXT NOT NULL,
			user_id TEXT NOT NULL,
			PRIMARY KEY (seq, emoji, user_id)
		)`);
	}

	/** Sets (on: true), removes (false) or toggles (undefined) one user's reaction. */
	react(seq: number, emoji: string, userId: string, on?: boolean): ReactOutcome {
		const has =
			this.sql
				.exec("SELECT 1 FROM reactions WHERE seq = ? AND emoji = ? AND user_id = ?", seq, emoji, userId)
				.toArray().length > 0;
		const want = on ?? !has;
		if (want === has) return { kind: "unchanged", reactions: this.counts(seq) };
		if (want) {
			const counts = this.counts(seq);
			if (!counts.some((count) => count.emoji === emoji) && counts.length >= limits.reactionsPerMessageMax) {
				return { kind: "too_many" };
			}
			this.sql.exec("INSERT INTO reactions (seq, emoji, user_id) VALUES (?, ?, ?)", seq, emoji, userId);
		} else {
			this.sql.exec("DELETE FROM reactions WHERE seq = ? AND emoji = ? AND user_id = ?", seq, emoji, userId);
		}
		return { kind: "changed", reactions: this.counts(seq) };
	}

	/** Counts by emoji, in the order each emoji was first given. */
	counts(seq: number): ReactionCount[] {
		return this.sql
			.exec<{ emoji: string; count: number }>(
				"SELECT emoji, COUNT(*) AS count FROM reactions WHERE seq = ? GROUP BY emoji ORDER BY MIN(rowid)",
				seq,
			)
			.toArray()
			.map((row) => ({ emoji: row.emoji, count: row.count }));
	}

	clear(seq: number): void {
		this.sql.exec("DELETE FROM reactions WHERE seq = ?", seq);
	}

	/** Drops the reactions of messages retention removed. */
	trimThrough(seq: number): void {
		this.sql.exec("DELETE FROM reactions WHERE seq <= ?", seq);
	}
}
