import { type FileInfo, type ImageType, limits, type Refusal } from "../protocol";
import { refusals } from "../refusals";

type UploadRow = {
	id: string;
	user_id: string;
	uploaded_at: number;
	seq: number | null;
	type: ImageType;
	size: number;
	width: number;
	height: number;
};

const columns = "id, user_id, uploaded_at, seq, type, size, width, height";

/**
 * The files uploaded to a chat, in the chat's own SQLite (their bytes are in R2, never here): who
 * uploaded each and when, and the message that carries it, if any. A file is attached once, to a
 * message of its uploader. `due_at` is when the file is to be deleted: an hour after its upload
 * until a message carries it, never while one does, at once when that message goes.
 */
export class Uploads {
	constructor(private readonly sql: SqlStorage) {}

	createSchema(): void {
		this.sql.exec(`CREATE TABLE IF NOT EXISTS uploads (
			id TEXT PRIMARY KEY,
			user_id TEXT NOT NULL,
			uploaded_at INTEGER NOT NULL,
			seq INTEGER,
			type TEXT NOT NULL,
			size INTEGER NOT NULL,
			width INTEGER NOT NULL,
			height INTEGER NOT NULL,
			due_at INTEGER
		)`);
		this.sql.exec("CREATE INDEX IF NOT EXISTS uploads_by_user ON uploads (user_id, uploaded_at)");
		this.sql.exec("CREATE INDEX IF NOT EXISTS uploads_by_seq ON uploads (seq) WHERE seq IS NOT NULL");
		this.sql.exec("CREATE INDEX IF NOT EXISTS uploads_by_due ON uploads (due_at) WHERE due_at IS NOT NULL");
	}

	add(file: FileInfo, userId: string, now: number): void {
		this.sql.exec(
			`INSERT INTO uploads (${columns}, due_at) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?)`,
			file.id,
			userId,
			now,
			file.type,
			file.size,
			file.width,
			file.height,
			now + limits.unattachedFileMs,
		);
	}

	/** How long `userId` must wait before uploading again (0: not at all): `limits.uploadsPerMinute` a minute. */
	waitBeforeNext(userId: string, now: number): number {
		const windowMs = 60_000;
		const recent = this.sql
			.exec<{ uploaded_at: number }>(
				"SELECT uploaded_at FROM uploads WHERE user_id = ? AND uploaded_at > ? ORDER BY uploaded_at DESC LIMIT ?",
				userId,
				now - windowMs,
				limits.uploadsPerMinute,
			)
			.toArray();
		const oldest = recent.at(-1);
		if (recent.length < limits.uploadsPerMinute || !oldest) return 0;
		return Math.max(1, oldest.uploaded_at + windowMs - now);
	}

	/**
	 * The files a new message of `userId` may carry, in the order given (a repeat counts once):
	 * each uploaded to this chat by that user and carried by no message yet. Else the refusal.
	 */
	attachable(ids: string[], userId: string): FileInfo[] | Refusal {
		const files: FileInfo[] = [];
		for (const id of new Set(ids)) {
			const row = this.sql.exec<UploadRow>(`SELECT ${columns} FROM uploads WHERE id = ?`, id).toArray()[0];
			if (!row) return refusals.unknownFile(id);
			if (row.user_id !== userId) return refusals.notYourFile(id);
			if (row.seq !== null) return refusals.fileAttached(id, row.seq);
			files.push({ id: row.id, type: row.type, size: row.size, width: row.width, height: row.height });
		}
		return files;
	}

	/**
	 * Message `seq` carries these files. Stored with the log, they stay as long as it does; a chat
	 * that stores nothing keeps them the hour after their upload all the same (`keep` false).
	 */
	attach(ids: string[], seq: number, keep: boolean): void {
		for (const id of ids) {
			if (keep) this.sql.exec("UPDATE uploads SET seq = ?, due_at = NULL WHERE id = ?", seq, id);
			else this.sql.exec("UPDATE uploads SET seq = ? WHERE id = ?", seq, id);
		}
	}

	/** Message `seq` was deleted: its files are due now. Returns their ids. */
	release(seq: number, now: number): string[] {
		this.sql.exec("UPDATE uploads SET due_at = ? WHERE seq = ?", now, seq);
		return this.sql
			.exec<{ id: string }>("SELECT id FROM uploads WHERE seq = ?", seq)
			.toArray()
			.map((row) => row.id);
	}

	/** Retention trimmed every message below `seq`: their files are due now. */
	releaseBelow(seq: number, now: number): void {
		this.sql.exec("UPDATE uploads SET due_at = ? WHERE seq < ? AND due_at IS NULL", now, seq);
	}

	/** Up to `limit` files due for deletion at `now`. */
	due(now: number, limit: number): string[] {
		return this.sql
			.exec<{ id: string }>("SELECT id FROM uploads WHERE due_at <= ? ORDER BY due_at LIMIT ?", now, limit)
			.toArray()
			.map((row) => row.id);
	}

	/** When the next file falls due (epoch ms), or null when none is to be deleted. */
	nextDueAt(): number | null {
		return this.sql.exec<{ at: number | null }>("SELECT MIN(due_at) AS at FROM uploads").one().at;
	}

	/** Their bytes are gone from R2: the rows go too. */
	forget(ids: string[]): void {
		for (const id of ids) this.sql.exec("DELETE FROM uploads WHERE id = ?", id);
	}
}
