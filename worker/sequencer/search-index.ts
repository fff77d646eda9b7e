import type { ChatMessage, HistoryPage } from "../protocol";
import { columns, type MessageRow, toMessage } from "./message-rows";
import { matchExpression } from "./search-query";

export interface SearchRequest {
	/** What to find: every word of it, the last one also as a prefix. */
	text: string;
	/** Only messages below this seq (the next page of a search). */
	before?: number;
	limit: number;
}

/**
 * New messages wait to be indexed until this many have come: one FTS5 write for all of them
 * costs a post far less than one each (each write rewrites the index's structure record and
 * starts a segment). A search indexes whatever waits first, so it always finds the newest.
 */
export const indexEvery = 64;

/**
 * The chat's full-text index, an FTS5 table beside the log in the room's own SQLite database, so
 * nothing of the chat leaves it. It holds words only (`content=''`: the text stays in the log,
 * once) keyed by seq, and `contentless_delete` lets a message leave it by seq alone. The
 * `unicode61 remove_diacritics 2` tokenizer folds case and accents: `cafe` finds `Café`. Prefixes
 * of 1 to 4 letters are indexed as terms of their own: a search box's last word is a prefix, and
 * FTS5 answers a short one (`t`, `th`, `that`) by merging every word that starts so, which on a
 * long log takes far longer than reading the one list the prefix index keeps.
 *
 * Every live message up to `indexedThrough` is in the index with its current text, and nothing
 * above it: an edit or a deletion below the mark changes the index at once; above it there is
 * nothing to change, as the message is read as it then is when its turn comes (`catchUp`). A log
 * older than its index (a chat created before search existed) starts at 0, and is caught up the
 * same way: a step at a time on its first search, and a step with every `indexEvery` posts.
 */
export class SearchIndex {
	private indexedThrough = 0;

	constructor(private readonly sql: SqlStorage) {}

	createSchema(): void {
		this.sql.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS message_search USING fts5(
			text, content='', contentless_delete=1, prefix='1 2 3 4', tokenize='unicode61 remove_diacritics 2'
		)`);
		this.sql.exec(`CREATE TABLE IF NOT EXISTS message_search_state (
			id INTEGER PRIMARY KEY CHECK (id = 1),
			indexed_through INTEGER NOT NULL
		)`);
		const state = this.sql
			.exec<{ indexed_through: number }>("SELECT indexed_through FROM message_search_state")
			.toArray()[0];
		this.indexedThrough = state?.indexed_through ?? 0;
	}

	/** A message was appended to the log: indexed with the ones before it once enough wait. */
	posted(seq: number): void {
		if (seq - this.indexedThrough >= indexEvery) this.catchUp(indexEvery);
	}

	/** An edited message: found by its new text only. */
	replace(seq: number, text: string): void {
		if (seq > this.indexedThrough) return;
		this.delete(seq);
		this.sql.exec("INSERT INTO message_search (rowid, text) VALUES (?, ?)", seq, text);
	}

	/** A deleted message is never found again. */
	remove(seq: number): void {
		if (seq <= this.indexedThrough) this.delete(seq);
	}

	/** Retention trimmed the messages `from` .. `through` from the log: they leave the index too. */
	removeRange(from: number, through: number): void {
		for (let seq = from; seq <= Math.min(through, this.indexedThrough); seq++) this.delete(seq);
	}

	/**
	 * Indexes the log's messages above the mark, at most `rows` seqs of them; true once nothing
	 * waits. The caller runs each step as one transaction, and lets others in between steps.
	 */
	catchUp(rows: number): boolean {
		// Two subqueries, each answered from one end of the primary key: MIN and MAX in one
		// SELECT would make SQLite read the whole log.
		const log = this.sql
			.exec<{ oldest: number | null; newest: number | null }>(
				"SELECT (SELECT MIN(seq) FROM messages) AS oldest, (SELECT MAX(seq) FROM messages) AS newest",
			)
			.one();
		const newest = log.newest ?? 0;
		if (this.indexedThrough >= newest) return true;
		const from = Math.max(this.indexedThrough, (log.oldest ?? 1) - 1);
		const through = Math.min(from + rows, newest);
		this.sql.exec(
			`INSERT INTO message_search (rowid, text)
			 SELECT seq, text FROM messages WHERE seq > ? AND seq <= ? AND deleted = 0`,
			from,
			through,
		);
		this.indexedThrough = through;
		this.sql.exec(
			`INSERT INTO message_search_state (id, indexed_through) VALUES (1, ?)
			 ON CONFLICT (id) DO UPDATE SET indexed_through = excluded.indexed_through`,
			through,
		);
		return through >= newest;
	}

	/**
	 * The messages holding every word of the text, newest first, as history shows them, among
	 * those indexed (`catchUp` first). FTS5 walks its index down from `before` and stops after
	 * `limit + 1`; the log is then read by seq.
	 */
	search({ text, before, limit }: SearchRequest): HistoryPage {
		const match = matchExpression(text);
		if (match === null) return { messages: [], hasMore: false };
		// The hits drive the join (CROSS JOIN keeps them the outer loop): left to itself, the planner
		// may read the whole log in seq order to save sorting, and test each message against them.
		const rows = this.sql
			.exec<MessageRow>(
				`SELECT ${columns} FROM (
					SELECT rowid AS hit FROM message_search WHERE message_search MATCH ? AND rowid < ?
					ORDER BY rowid DESC LIMIT ?
				 ) AS hits CROSS JOIN messages ON messages.seq = hits.hit
				 WHERE messages.deleted = 0 ORDER BY hits.hit DESC`,
				match,
				before ?? Number.MAX_SAFE_INTEGER,
				limit + 1,
			)
			.toArray();
		const messages: ChatMessage[] = rows.slice(0, limit).map(toMessage);
		return { messages, hasMore: rows.length > limit };
	}

	private delete(seq: number): void {
		this.sql.exec("DELETE FROM message_search WHERE rowid = ?", seq);
	}
}
