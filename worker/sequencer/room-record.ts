import {
	type ChatInfo,
	type ChatSettings,
	isLocationHint,
	type LocationHint,
	type Visibility,
} from "../protocol";

/** Everything fixed when a chat is created, plus the key digests that guard it. */
export interface RoomInit extends ChatInfo {
	ownerKeyHash: string;
	inviteKeyHash: string | null;
	/** The region the root was created in, when its creator named one. */
	locationHint?: LocationHint;
}

type RoomRow = {
	chat_id: string;
	name: string;
	visibility: string;
	history: number;
	owner: string | null;
	created_at: number;
	owner_key_hash: string;
	invite_key_hash: string | null;
	last_seq: number;
	wakes: number;
	slow_mode_seconds: number;
	read_only: number;
	location_hint: string | null;
};

/** What an owner may change after creation. */
export interface SettingsChange {
	name?: string;
	visibility?: Visibility;
	slowModeSeconds?: number;
	readOnly?: boolean;
}

/**
 * The room's one-row record: its settings, key digests, the seq counter of rooms that keep no
 * history (their messages are never stored, yet seq must never go back), and a wake counter.
 */
export class RoomRecord {
	constructor(private readonly sql: SqlStorage) {}

	createSchema(): void {
		this.sql.exec(`CREATE TABLE IF NOT EXISTS room (
			singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
			chat_id TEXT NOT NULL,
			name TEXT NOT NULL,
			visibility TEXT NOT NULL,
			history INTEGER NOT NULL,
			owner TEXT,
			created_at INTEGER NOT NULL,
			owner_key_hash TEXT NOT NULL,
			invite_key_hash TEXT,
			last_seq INTEGER NOT NULL DEFAULT 0,
			wakes INTEGER NOT NULL DEFAULT 0
		)`);
		const present = new Set(
			this.sql
				.exec<{ name: string }>("SELECT name FROM pragma_table_info('room')")
				.toArray()
				.map((row) => row.name),
		);
		// Columns that came later; a record from before them starts with them off.
		for (const column of ["rev", "slow_mode_seconds", "read_only"]) {
			if (!present.has(column))
				this.sql.exec(`ALTER TABLE room ADD COLUMN ${column} INTEGER NOT NULL DEFAULT 0`);
		}
		if (!present.has("location_hint")) this.sql.exec("ALTER TABLE room ADD COLUMN location_hint TEXT");
	}

	/** Whether this object ever became a room; asking writes nothing, so unknown ids cost no storage. */
	exists(): boolean {
		return (
			this.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'room'").toArray()
				.length > 0
		);
	}

	/** The record of a room that exists, read with the columns added since it was created; else null, nothing written. */
	load(): (RoomInit & { lastSeq: number; wakes: number }) | null {
		if (!this.exists()) return null;
		this.createSchema();
		return this.read();
	}

	/** False when the room already exists: ids are random, so this only guards against replays. */
	create(init: RoomInit): boolean {
		const cursor = this.sql.exec(
			`INSERT OR IGNORE INTO room (singleton, chat_id, name, visibility, history, owner, created_at, owner_key_hash, invite_key_hash, location_hint)
			 VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			init.id,
			init.name,
			init.visibility,
			init.history ? 1 : 0,
			init.owner,
			init.createdAt,
			init.ownerKeyHash,
			init.inviteKeyHash,
			init.locationHint ?? null,
		);
		return cursor.rowsWritten > 0;
	}

	/** The change counter as last saved by a change that is not a new message (see Sequencer). */
	readRev(): number {
		const row = this.sql.exec<{ rev: number }>("SELECT rev FROM room WHERE singleton = 1").toArray()[0];
		return row?.rev ?? 0;
	}

	saveRev(rev: number): void {
		this.sql.exec("UPDATE room SET rev = ? WHERE singleton = 1", rev);
	}

	read(): (RoomInit & { lastSeq: number; wakes: number }) | null {
		const row = this.sql
			.exec<RoomRow>(
				`SELECT chat_id, name, visibility, history, owner, created_at, owner_key_hash, invite_key_hash, last_seq, wakes,
				 slow_mode_seconds, read_only, location_hint
				 FROM room WHERE singleton = 1`,
			)
			.toArray()[0];
		if (!row) return null;
		return {
			id: row.chat_id,
			name: row.name,
			visibility: toVisibility(row.visibility),
			history: row.history === 1,
			owner: row.owner,
			createdAt: row.created_at,
			ownerKeyHash: row.owner_key_hash,
			inviteKeyHash: row.invite_key_hash,
			lastSeq: row.last_seq,
			wakes: row.wakes,
			...(row.slow_mode_seconds > 0 && { slowModeSeconds: row.slow_mode_seconds }),
			...(row.read_only === 1 && { readOnly: true as const }),
			...(isLocationHint(row.location_hint) && { locationHint: row.location_hint }),
		};
	}

	saveLastSeq(seq: number, rev: number): void {
		this.sql.exec("UPDATE room SET last_seq = ?, rev = ? WHERE singleton = 1", seq, rev);
	}

	change(change: SettingsChange): void {
		if (change.name !== undefined) this.sql.exec("UPDATE room SET name = ? WHERE singleton = 1", change.name);
		if (change.visibility !== undefined) {
			this.sql.exec("UPDATE room SET visibility = ? WHERE singleton = 1", change.visibility);
		}
		if (change.slowModeSeconds !== undefined) {
			this.sql.exec("UPDATE room SET slow_mode_seconds = ? WHERE singleton = 1", change.slowModeSeconds);
		}
		if (change.readOnly !== undefined) {
			this.sql.exec("UPDATE room SET read_only = ? WHERE singleton = 1", change.readOnly ? 1 : 0);
		}
	}

	setKeyHash(which: "invite" | "owner", hash: string): void {
		const column = which === "owner" ? "owner_key_hash" : "invite_key_hash";
		this.sql.exec(`UPDATE room SET ${column} = ? WHERE singleton = 1`, hash);
	}

	countWake(): void {
		this.sql.exec("UPDATE room SET wakes = wakes + 1 WHERE singleton = 1");
	}
}

function toVisibility(value: string): Visibility {
	return value === "private" ? "private" : "public";
}

/** The settings every socket sees (`ready.chat`, the `chat` frame): slow mode and read-only only when on. */
export function settingsOf(chat: RoomInit): ChatSettings {
	const { id, name, visibility, history, slowModeSeconds, readOnly } = chat;
	return {
		id,
		name,
		visibility,
		history,
		...(slowModeSeconds !== undefined && { slowModeSeconds }),
		...(readOnly && { readOnly }),
	};
}

export function infoOf(chat: RoomInit): ChatInfo {
	return { ...settingsOf(chat), owner: chat.owner, createdAt: chat.createdAt };
}
