import { randomId } from "../ids";
import { type WebhookEvent, type WebhookEventType, type WebhookStatus, webhookEventTypes } from "../protocol";

/** What the queue carries: a pointer into the chat's outbox. The outbox holds the event itself. */
export interface WebhookTask {
	chatId: string;
	/** The event's place in the chat's outbox: strictly increasing, the order of delivery. */
	n: number;
}

export interface WebhookConfig {
	url: string;
	events: WebhookEventType[];
	secret: string;
}

/** The consumer's turn: deliver this event now, wait for an earlier one, or drop a stale task. */
export type WebhookClaim =
	| { kind: "deliver"; url: string; secret: string; id: string; body: string }
	| { kind: "wait" }
	| { kind: "gone" };

type ConfigRow = {
	url: string;
	events: string;
	secret: string;
	delivered: number;
	failed: number;
	last_error: string | null;
	occupied: number;
};

/**
 * The chat's webhook and its outbox, in the root's own SQLite. An event is written here by the
 * same synchronous code (one transaction) as the change it describes, so no change is stored
 * without its event, whatever happens to the object afterwards. Rows leave the outbox only when
 * delivered or dead-lettered; `handed` says whether a queue task for the row is out.
 */
export class WebhookOutbox {
	private config: (WebhookConfig & { occupied: boolean }) | null = null;
	private ready = false;

	constructor(private readonly sql: SqlStorage) {}

	/** Reads the webhook, if one was ever set; a chat without one creates no tables. */
	load(): void {
		const exists = this.sql
			.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'webhook'")
			.toArray().length;
		if (!exists) return;
		this.ready = true;
		const row = this.sql
			.exec<ConfigRow>("SELECT url, events, secret, delivered, failed, last_error, occupied FROM webhook")
			.toArray()[0];
		this.config = row ? toConfig(row) : null;
	}

	get active(): WebhookConfig | null {
		return this.config;
	}

	wants(type: WebhookEventType): boolean {
		return this.config?.events.includes(type) ?? false;
	}

	set(config: WebhookConfig, occupied: boolean): void {
		this.createSchema();
		this.sql.exec("DELETE FROM webhook");
		this.sql.exec(
			"INSERT INTO webhook (singleton, url, events, secret, occupied) VALUES (1, ?, ?, ?, ?)",
			config.url,
			JSON.stringify(config.events),
			config.secret,
			occupied ? 1 : 0,
		);
		this.config = { ...config, occupied };
	}

	/** Removes the webhook and everything not yet delivered: nothing more will be sent. */
	remove(): boolean {
		if (!this.config) return false;
		this.sql.exec("DELETE FROM webhook");
		this.sql.exec("DELETE FROM webhook_outbox");
		this.config = null;
		return true;
	}

	status(): WebhookStatus | null {
		if (!this.config) return null;
		const row = this.sql
			.exec<ConfigRow>("SELECT url, events, secret, delivered, failed, last_error, occupied FROM webhook")
			.one();
		const pending = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM webhook_outbox").one().n;
		return {
			url: row.url,
			events: this.config.events,
			pending,
			delivered: row.delivered,
			failed: row.failed,
			lastError: row.last_error,
		};
	}

	/** Writes an event if the webhook wants it; true when one was written (the caller hands it on). */
	record(chatId: string, type: WebhookEventType, data: unknown, now: number): boolean {
		if (!this.wants(type)) return false;
		const id = `msg_${randomId(24)}`;
		const event: WebhookEvent = { id, type, chatId, createdAt: now, data };
		this.sql.exec(
			"INSERT INTO webhook_outbox (id, created_at, body) VALUES (?, ?, ?)",
			id,
			now,
			JSON.stringify(event),
		);
		return true;
	}

	/**
	 * chat.occupied / chat.vacated when the chat-wide socket count crosses zero. The last state is
	 * stored, so an eviction neither repeats nor loses a transition.
	 */
	occupancy(chatId: string, connections: number, now: number): boolean {
		const config = this.config;
		if (!config) return false;
		const occupied = connections > 0;
		if (occupied === config.occupied) return false;
		config.occupied = occupied;
		this.sql.exec("UPDATE webhook SET occupied = ?", occupied ? 1 : 0);
		return this.record(chatId, occupied ? "chat.occupied" : "chat.vacated", { connections }, now);
	}

	/**
	 * Tasks to give the queue now, oldest first. None while the oldest event is out with the queue:
	 * later ones would only have to wait for it (see `claim`), so they follow once it is settled.
	 * A head out for longer than `leaseMs` without being settled is handed again: its task was
	 * lost (a queue that restarted, say), and at least once means it must be sent after all.
	 */
	toHand(chatId: string, max: number, now: number, leaseMs: number): WebhookTask[] {
		if (!this.ready) return [];
		const head = this.head();
		if (!head) return [];
		if (head.handed === 1) return head.handed_at + leaseMs <= now ? [{ chatId, n: head.n }] : [];
		return this.sql
			.exec<{ n: number }>("SELECT n FROM webhook_outbox WHERE handed = 0 ORDER BY n LIMIT ?", max)
			.toArray()
			.map((row) => ({ chatId, n: row.n }));
	}

	/** How long until `toHand` may have something: 0 now, null when the outbox is empty. */
	nextHandIn(now: number, leaseMs: number): number | null {
		if (!this.ready) return null;
		const head = this.head();
		if (!head) return null;
		return head.handed === 0 ? 0 : Math.max(0, head.handed_at + leaseMs - now);
	}

	markHanded(tasks: WebhookTask[], now: number): void {
		for (const task of tasks) {
			this.sql.exec("UPDATE webhook_outbox SET handed = 1, handed_at = ? WHERE n = ?", now, task.n);
		}
	}

	private head(): { n: number; handed: number; handed_at: number } | undefined {
		return this.sql
			.exec<{ n: number; handed: number; handed_at: number }>(
				"SELECT n, handed, handed_at FROM webhook_outbox ORDER BY n LIMIT 1",
			)
			.toArray()[0];
	}

	/**
	 * Only the oldest undelivered event may go out, which keeps a chat's events in order whatever
	 * the queue does. A later one is taken back (handed = 0) and handed again once its turn comes.
	 */
	claim(n: number): WebhookClaim {
		const config = this.config;
		if (!config) return { kind: "gone" };
		const head = this.sql
			.exec<{ n: number; id: string; body: string }>(
				"SELECT n, id, body FROM webhook_outbox ORDER BY n LIMIT 1",
			)
			.toArray()[0];
		if (!head || head.n > n) return { kind: "gone" };
		if (head.n < n) {
			this.sql.exec("UPDATE webhook_outbox SET handed = 0 WHERE n = ?", n);
			return { kind: "wait" };
		}
		return { kind: "deliver", url: config.url, secret: config.secret, id: head.id, body: head.body };
	}

	/** The receiver took it: the event leaves the outbox. False for a repeat report. */
	delivered(n: number): boolean {
		if (!this.config) return false;
		const removed = this.sql.exec("DELETE FROM webhook_outbox WHERE n = ?", n).rowsWritten > 0;
		if (removed) this.sql.exec("UPDATE webhook SET delivered = delivered + 1");
		return removed;
	}

	/** An attempt failed; the queue will try again (or dead-letter it). */
	attemptFailed(error: string): void {
		if (this.config) this.sql.exec("UPDATE webhook SET last_error = ?", error);
	}

	/** After the last attempt: counted as failed, out of the outbox, and the next event's turn. */
	deadLettered(n: number): boolean {
		if (!this.config) return false;
		const removed = this.sql.exec("DELETE FROM webhook_outbox WHERE n = ?", n).rowsWritten > 0;
		if (removed) this.sql.exec("UPDATE webhook SET failed = failed + 1");
		return removed;
	}

	private createSchema(): void {
		if (this.ready) return;
		this.sql.exec(`CREATE TABLE IF NOT EXISTS webhook (
			singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
			url TEXT NOT NULL,
			events TEXT NOT NULL,
			secret TEXT NOT NULL,
			delivered INTEGER NOT NULL DEFAULT 0,
			failed INTEGER NOT NULL DEFAULT 0,
			last_error TEXT,
			occupied INTEGER NOT NULL DEFAULT 0
		)`);
		this.sql.exec(`CREATE TABLE IF NOT EXISTS webhook_outbox (
			n INTEGER PRIMARY KEY AUTOINCREMENT,
			id TEXT NOT NULL,
			created_at INTEGER NOT NULL,
			body TEXT NOT NULL,
			handed INTEGER NOT NULL DEFAULT 0,
			handed_at INTEGER NOT NULL DEFAULT 0
		)`);
		this.ready = true;
	}
}

function toConfig(row: ConfigRow): WebhookConfig & { occupied: boolean } {
	const events: unknown = JSON.parse(row.events);
	return {
		url: row.url,
		secret: row.secret,
		events: Array.isArray(events) ? events.filter(isEventType) : [],
		occupied: row.occupied === 1,
	};
}

function isEventType(value: unknown): value is WebhookEventType {
	return webhookEventTypes.some((type) => type === value);
}
