import type { ChatMessage, FileInfo, HistoryPage, ReactionCount, ReplyRef, UserRef } from "../protocol";
import { columns, laterColumns, type MessageRow, toMessage } from "./message-rows";

/** A message as the room hands it to the log; the log assigns nothing but what it is given. */
export interface NewMessage {
	seq: number;
	id: string;
	user: UserRef;
	text: string;
	ts: number;
	clientId?: string;
	replyTo?: ReplyRef;
	mentions?: string[];
	attachments?: FileInfo[];
	/** The chat's change counter at this message's creation (see Sequencer.rev). */
	rev?: number;
}

export interface PageQuery {
	before?: number;
	after?: number;
	limit: number;
}

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
		const present = new Set(
			this.sql
				.exec<{ name: string }>("SELECT name FROM pragma_table_info('messages')")
				.toArray()
				.map((row) => row.name),
		);
		for (const [name, type] of laterColumns) {
			if (!present.has(name)) this.sql.exec(`ALTER TABLE messages ADD COLUMN ${name} ${type}`);
		}
		// Resumes ask for "changed after rev R": only changed messages are indexed.
		this.sql.exec(
			"CREATE INDEX IF NOT EXISTS messages_by_change ON messages (changed_rev) WHERE changed_rev > 0",
		);
		// A deletion finds the replies whose quote it removes.
		this.sql.exec(
			"CREATE INDEX IF NOT EXISTS messages_by_reply ON messages (reply_seq) WHERE reply_seq IS NOT NULL",
		);
		this.sql.exec(
			`CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client_id
			 ON messages (user_id, client_id) WHERE client_id IS NOT NULL`,
		);
	}

	append(message: NewMessage): void {
		const { replyTo, mentions, attachments } = message;
		this.sql.exec(
			`INSERT INTO messages (seq, id, user_id, user_name, text, ts, client_id, rev,
			 reply_seq, reply_user_id, reply_user_name, reply_text, mentions, attachments)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			message.seq,
			message.id,
			message.user.id,
			message.user.name,
			message.text,
			message.ts,
			message.clientId ?? null,
			message.rev ?? 0,
			replyTo?.seq ?? null,
			replyTo?.user.id ?? null,
			replyTo?.user.name ?? null,
			replyTo?.text ?? null,
			mentions && mentions.length > 0 ? JSON.stringify(mentions) : null,
			attachments && attachments.length > 0 ? JSON.stringify(attachments) : null,
		);
	}

	/** The highest change counter the log has seen (new messages and changes alike). */
	maxRev(): number {
		const row = this.sql
			.exec<{ rev: number | null; changed: number | null }>(
				"SELECT MAX(rev) AS rev, MAX(changed_rev) AS changed FROM messages",
			)
			.one();
		return Math.max(row.rev ?? 0, row.changed ?? 0);
	}

	get(seq: number): ChatMessage | null {
		const row = this.sql.exec<MessageRow>(`SELECT ${columns} FROM messages WHERE seq = ?`, seq).toArray()[0];
		return row ? toMessage(row) : null;
	}

	edit(seq: number, text: string, editedAt: number, rev: number): void {
		this.sql.exec(
			"UPDATE messages SET text = ?, edited_at = ?, changed_rev = ? WHERE seq = ?",
			text,
			editedAt,
			rev,
			seq,
		);
	}

	setReactions(seq: number, reactions: ReactionCount[], rev: number): void {
		this.sql.exec(
			"UPDATE messages SET reactions = ?, changed_rev = ? WHERE seq = ?",
			reactions.length > 0 ? JSON.stringify(reactions) : null,
			rev,
			seq,
		);
	}

	/**
	 * Messages up to seq `through` changed after rev `after` (and at most `upto`), ascending by
	 * seq, each in its latest state: what a resuming client missed besides new messages.
	 */
	changedAfter(
		after: number,
		through: number,
		limit: number,
		upto = Number.MAX_SAFE_INTEGER,
	): Array<{ message: ChatMessage; rev: number }> {
		return this.sql
			.exec<MessageRow>(
				`SELECT ${columns} FROM messages WHERE changed_rev > ? AND changed_rev <= ? AND seq <= ?
				 ORDER BY seq ASC LIMIT ?`,
				after,
				upto,
				through,
				limit,
			)
			.toArray()
			.map((row) => ({ message: toMessage(row), rev: row.changed_rev }));
	}

	/** The lowest stored seq, or lastSeq + 1 when none is stored. */
	oldestSeq(): number {
		const row = this.sql.exec<{ seq: number | null }>("SELECT MIN(seq) AS seq FROM messages").one();
		return row.seq ?? this.lastSeq() + 1;
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

	/**
	 * Removes a message's text (and what it answered, mentioned and carried), keeping its seq so readers see
	 * no gap, and the quote of it from every reply. False if there is no such message.
	 */
	redact(seq: number, rev = 0): boolean {
		const cursor = this.sql.exec(
			`UPDATE messages SET text = '', deleted = 1, reactions = NULL, changed_rev = ?, reply_seq = NULL,
			 reply_user_id = NULL, reply_user_name = NULL, reply_text = NULL, mentions = NULL, attachments = NULL
			 WHERE seq = ?`,
			rev,
			seq,
		);
		this.sql.exec("UPDATE messages SET reply_text = NULL WHERE reply_seq = ?", seq);
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
