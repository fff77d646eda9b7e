import type { ChatMessage, HistoryPage, UserRef } from "../protocol";

/** A message as the room hands it to the log; the log assigns nothing but what it is given. */
export interface NewMessage {
	seq: number;
	id: string;
	user: UserRef;
	text: string;
	ts: number;
	clientId?: string;
}

export interface PageQuery {
	before?: number;
	after?: number;
	limit: number;
}

type MessageRow = {
	seq: number;
	id: string;
	user_id: string;
	user_name: string;
	text: string;
	ts: number;
	client_id: string | null;
	deleted: number;
};

const columns = "seq, id, user_id, user_name, text, ts, client_id, deleted";

/**
 * The chat's message log in the room's own SQLite database. `seq` is the primary key (the rowid),
 * so paging by cursor is a range scan of the table itself, however long the log grows.
 */
export class MessageLog {
	constructor(private readonly sql: SqlStorage) {}

	createSchema(): void {
		this.sql.exec(`CREATE TABLE IF NOT EXISTS messages (
			seq INTEGER PRIMARY KEY,
			id TEXT NOT NULL,
			user_id TEXT NOT NULL,
			user_name TEXT NOT NULL,
			text TEXT NOT NULL,
			ts INTEGER NOT NULL,
			client_id TEXT,
			deleted INTEGER NOT NULL DEFAULT 0
		)`);
		this.sql.exec(
			`CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client_id
			 ON messages (user_id, client_id) WHERE client_id IS NOT NULL`,
		);
	}

	append(message: NewMessage): void {
		this.sql.exec(
			`INSERT INTO messages (seq, id, user_id, user_name, text, ts, client_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			message.seq,
			message.id,
			message.user.id,
			message.user.name,
			message.text,
			message.ts,
			message.clientId ?? null,
		);
	}

	lastSeq(): number {
		const row = this.sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM messages").one();
		return row.seq ?? 0;
	}

	findByClientId(userId: string, clientId: string): ChatMessage | null {
		const rows = this.sql
			.exec<MessageRow>(
				`SELECT ${columns} FROM messages WHERE user_id = ? AND client_id = ?`,
				userId,
				clientId,
			)
			.toArray();
		return rows[0] ? toMessage(rows[0]) : null;
	}

	/**
	 * Without a cursor: the newest `limit` messages. With `before`: the `limit` messages just below
	 * it. With `after`: the `limit` messages just above it (bounded by `before` when both are set).
	 * Always ascending by seq; `hasMore` tells whether the direction being read goes on.
	 */
	page({ before, after, limit }: PageQuery): HistoryPage {
		const upper = before ?? Number.MAX_SAFE_INTEGER;
		if (after !== undefined) {
			const rows = this.sql
				.exec<MessageRow>(
					`SELECT ${columns} FROM messages WHERE seq > ? AND seq < ? ORDER BY seq ASC LIMIT ?`,
					after,
					upper,
					limit + 1,
				)
				.toArray();
			return { messages: rows.slice(0, limit).map(toMessage), hasMore: rows.length > limit };
		}
		const rows = this.sql
			.exec<MessageRow>(
				`SELECT ${columns} FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?`,
				upper,
				limit + 1,
			)
			.toArray();
		return { messages: rows.slice(0, limit).reverse().map(toMessage), hasMore: rows.length > limit };
	}

	/**
	 * The newest `limit` messages above `after` (and at most `upto`), ascending: what a reconnecting
	 * client replays.
	 */
	tail(after: number, limit: number, upto = Number.MAX_SAFE_INTEGER): ChatMessage[] {
		return this.sql
			.exec<MessageRow>(
				`SELECT ${columns} FROM messages WHERE seq > ? AND seq <= ? ORDER BY seq DESC LIMIT ?`,
				after,
				upto,
				limit,
			)
			.toArray()
			.reverse()
			.map(toMessage);
	}

	/** How many stored messages have a seq above `seq` (and at most `upto`). */
	countAfter(seq: number, upto = Number.MAX_SAFE_INTEGER): number {
		return this.sql
			.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages WHERE seq > ? AND seq <= ?", seq, upto)
			.one().n;
	}

	/** Removes a message's text, keeping its seq so readers see no gap. False if there is no such message. */
	redact(seq: number): boolean {
		const cursor = this.sql.exec("UPDATE messages SET text = '', deleted = 1 WHERE seq = ?", seq);
		return cursor.rowsWritten > 0;
	}

	/**
	 * Deletes up to `batch` of the oldest messages beyond the newest `keep`, so that retention never
	 * holds the room for long. Returns true while older messages remain to be trimmed.
	 */
	trim(keep: number, batch: number): boolean {
		const cutoff = this.lastSeq() - keep;
		if (cutoff <= 0) return false;
		this.sql.exec(
			"DELETE FROM messages WHERE seq IN (SELECT seq FROM messages WHERE seq <= ? ORDER BY seq LIMIT ?)",
			cutoff,
			batch,
		);
		return this.sql.exec("SELECT seq FROM messages WHERE seq <= ? LIMIT 1", cutoff).toArray().length > 0;
	}

	count(): number {
		return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages").one().n;
	}
}

function toMessage(row: MessageRow): ChatMessage {
	const message: ChatMessage = {
		seq: row.seq,
		id: row.id,
		user: { id: row.user_id, name: row.user_name },
		text: row.text,
		ts: row.ts,
	};
	if (row.client_id !== null) message.clientId = row.client_id;
	if (row.deleted) message.deleted = true;
	return message;
}
