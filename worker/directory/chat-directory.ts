import { DurableObject } from "cloudflare:workers";
import type { ChatListEntry } from "../protocol";

type ListingRow = { id: string; name: string; owner: string | null; created_at: number; connections: number };

const listLimit = 100;
/** A listed chat with no connection for this long leaves the list (and comes back when busy again). */
export const idleDropMs = 7 * 24 * 3600 * 1000;

/**
 * The public directory: one object that lists public chats with their connection counts. Rooms
 * report counts at most once per report window (see ChatRoom.scheduleDirectoryReport), never per
 * connection, so counts may lag by that window. Private chats are never registered.
 */
export class ChatDirectory extends DurableObject<Env> {
	private readonly sql: SqlStorage;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		ctx.blockConcurrencyWhile(async () => {
			this.sql.exec(`CREATE TABLE IF NOT EXISTS listings (
				id TEXT PRIMARY KEY,
				name TEXT NOT NULL,
				owner TEXT,
				created_at INTEGER NOT NULL,
				connections INTEGER NOT NULL DEFAULT 0
			)`);
			this.sql.exec(
				"CREATE INDEX IF NOT EXISTS listings_by_activity ON listings (connections DESC, created_at DESC)",
			);
			const columns = this.sql
				.exec<{ name: string }>("SELECT name FROM pragma_table_info('listings')")
				.toArray()
				.map((row) => row.name);
			// When the chat last had connections (or was listed); idle chats are dropped after 7 days.
			if (!columns.includes("last_active")) {
				this.sql.exec("ALTER TABLE listings ADD COLUMN last_active INTEGER NOT NULL DEFAULT 0");
				this.sql.exec("UPDATE listings SET last_active = created_at");
			}
			// Every listing drops idle chats first: an index keeps that a range scan.
			this.sql.exec("CREATE INDEX IF NOT EXISTS listings_by_idleness ON listings (connections, last_active)");
		});
	}

	async register(entry: Omit<ChatListEntry, "connections">): Promise<void> {
		this.sql.exec(
			"INSERT OR IGNORE INTO listings (id, name, owner, created_at, last_active) VALUES (?, ?, ?, ?, ?)",
			entry.id,
			entry.name,
			entry.owner,
			entry.createdAt,
			Date.now(),
		);
	}

	/** A chat deleted or turned private leaves the list. */
	async unregister(id: string): Promise<void> {
		this.sql.exec("DELETE FROM listings WHERE id = ?", id);
	}

	/** A public chat renamed. */
	async rename(id: string, name: string): Promise<void> {
		this.sql.exec("UPDATE listings SET name = ? WHERE id = ?", name, id);
	}

	/**
	 * A public chat's connection count. Each change stamps `last_active`, so a chat that emptied
	 * is dropped 7 days later; a dropped chat that is busy again (`entry` given) is listed again.
	 */
	async report(id: string, connections: number, entry?: Omit<ChatListEntry, "connections">): Promise<void> {
		const now = Date.now();
		const cursor = this.sql.exec(
			"UPDATE listings SET connections = ?, last_active = ? WHERE id = ? AND connections != ?",
			connections,
			now,
			id,
			connections,
		);
		if (cursor.rowsWritten === 0 && entry && connections > 0) {
			this.sql.exec(
				`INSERT OR IGNORE INTO listings (id, name, owner, created_at, connections, last_active)
				 VALUES (?, ?, ?, ?, ?, ?)`,
				entry.id,
				entry.name,
				entry.owner,
				entry.createdAt,
				connections,
				now,
			);
		}
	}

	/** Busiest first; among equally busy chats, the newest first. */
	async list(): Promise<ChatListEntry[]> {
		this.sql.exec("DELETE FROM listings WHERE connections = 0 AND last_active < ?", Date.now() - idleDropMs);
		return this.sql
			.exec<ListingRow>(
				"SELECT id, name, owner, created_at, connections FROM listings ORDER BY connections DESC, created_at DESC LIMIT ?",
				listLimit,
			)
			.toArray()
			.map((row) => ({
				id: row.id,
				name: row.name,
				owner: row.owner,
				connections: row.connections,
				createdAt: row.created_at,
			}));
	}
}

export function directoryStub(env: Env): DurableObjectStub<ChatDirectory> {
	return env.CHAT_DIRECTORY.get(env.CHAT_DIRECTORY.idFromName("directory"));
}
