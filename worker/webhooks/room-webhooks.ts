import type { PresenceFrame, WebhookEventType, WebhookStatus } from "../protocol";
import { type WebhookClaim, WebhookOutbox, type WebhookTask } from "./outbox";
import { newWebhookSecret } from "./signing";

/** Tasks given to the queue per `sendBatch` (the platform's batch limit is 100). */
const handBatch = 100;
/** When a hand-off fails (the queue was unreachable), the alarm tries again after this long. */
export const handRetryMs = 5000;

/**
 * The root's side of webhooks: it records events in the outbox (inside the caller's write) and
 * hands them to the queue from the alarm, so that nothing a user does waits on a webhook, and an
 * eviction between the change and the hand-off only delays it: the alarm and the rows are stored.
 */
export class RoomWebhooks {
	readonly outbox: WebhookOutbox;

	constructor(
		sql: SqlStorage,
		private readonly queue: Queue<WebhookTask>,
		/** How long a task may be out with the queue, unsettled, before it is handed again. */
		private readonly leaseMs: number,
		/** Asks for the alarm to run within `delayMs`: the hand-off happens there. */
		private readonly wake: (delayMs: number) => void,
	) {
		this.outbox = new WebhookOutbox(sql);
	}

	/** After a wake-up: whatever was not handed, or whose task may be lost, gets the alarm. */
	load(): void {
		this.outbox.load();
		this.wakeForNext();
	}

	configure(url: string, events: WebhookEventType[], connections: number): string {
		const secret = newWebhookSecret();
		this.outbox.set({ url, events, secret }, connections > 0);
		return secret;
	}

	status(): WebhookStatus | null {
		return this.outbox.status();
	}

	remove(): boolean {
		return this.outbox.remove();
	}

	/** Call inside the change's own write, so the event commits with it or not at all. */
	record(chatId: string, type: WebhookEventType, data: unknown): void {
		if (this.outbox.record(chatId, type, data, Date.now())) this.wake(0);
	}

	presence(chatId: string, frame: PresenceFrame): void {
		const base = { online: frame.online };
		if (frame.joined.length > 0 || (frame.unlisted?.joined ?? 0) > 0) {
			this.record(chatId, "member.joined", {
				...base,
				users: frame.joined,
				unlisted: frame.unlisted?.joined ?? 0,
			});
		}
		if (frame.left.length > 0 || (frame.unlisted?.left ?? 0) > 0) {
			this.record(chatId, "member.left", { ...base, users: frame.left, unlisted: frame.unlisted?.left ?? 0 });
		}
	}

	occupancy(chatId: string, connections: number): void {
		if (this.outbox.occupancy(chatId, connections, Date.now())) this.wake(0);
	}

	/** From the alarm: hands what is due to the queue; a failure leaves the rows for the next try. */
	async hand(chatId: string): Promise<void> {
		const tasks = this.outbox.toHand(chatId, handBatch, Date.now(), this.leaseMs);
		if (tasks.length === 0) {
			this.wakeForNext();
			return;
		}
		try {
			await this.queue.sendBatch(tasks.map((body) => ({ body, contentType: "json" })));
		} catch (error) {
			console.error("webhook hand-off failed; retrying", error);
			this.wake(handRetryMs);
			return;
		}
		this.outbox.markHanded(tasks, Date.now());
		// Come back for the rest of a long outbox, or when the head's lease runs out.
		this.wakeForNext();
	}

	private wakeForNext(): void {
		const delay = this.outbox.nextHandIn(Date.now(), this.leaseMs);
		if (delay !== null) this.wake(delay);
	}

	claim(n: number): WebhookClaim {
		return this.outbox.claim(n);
	}

	/** The head is settled: the next events' turn, handed from the alarm. */
	settled(removed: boolean): void {
		if (removed) this.wakeForNext();
	}
}
