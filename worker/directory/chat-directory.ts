import { DurableObject } from "cloudflare:workers";
import type { ChatListEntry } from "../protocol";

type ListingRow = { id: string; name: string; owner: string | null; created_at: number; connections: number };

const listLimit = 100;

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
		});
	}

	async register(entry: Omit<ChatListEntry, "connections">): Promise<void> {
		this.sql.exec(
			"INSERT OR IGNORE INTO listings (id, name, owner, created_at) VALUES (?, ?, ?, ?)",
			entry.id,
			entry.name,
			entry.owner,
			entry.createdAt,
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

	async report(id: string, connections: number): Promise<void> {
		this.sql.exec(
			"UPDATE listings SET connections = ? WHERE id = ? AND connections != ?",
			connections,
			id,
			connections,
		);
	}

	/** Busiest first; among equally busy chats, the newest first. */
	async list(): Promise<ChatListEntry[]> {
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
