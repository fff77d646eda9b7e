/** What a send may carry besides its text (docs/API.md: `replyTo`, `mentions`). */
export interface SendExtras {
	/** The seq of the message this one answers. */
	replyTo?: number;
	/** Ids of users of the chat it mentions. */
	mentions?: string[];
	/** Ids of files uploaded for it. */
	attachments?: string[];
}

/**
 * A message the user sent that the server has not yet echoed back, with whatever it carries
 * besides its text: every repeat of the send carries the same, a reload's too.
 */
export interface PendingSend extends Readonly<SendExtras> {
	readonly clientId: string;
	/** Empty only when it carries attachments. */
	readonly text: string;
	/** When the user sent it (epoch ms, local clock). */
	readonly createdAt: number;
}

interface Entry extends PendingSend {
	/** When it last went out on a socket; null: not on the current socket yet. */
	sentAt: number | null;
	/** Not to be sent again before this time (after `rate_limited`). */
	notBefore: number;
}

/**
 * Sends waiting for their acknowledgement. The server stores a clientId once per user, so sending
 * the same entry again (after a timeout or a reconnect) can never create a second message; an
 * entry leaves the outbox only when the server's `message` frame with its clientId arrives, or when
 * the server refuses it for good.
 */
export class Outbox {
	#entries = new Map<string, Entry>();

	add(clientId: string, text: string, now: number, extras: SendExtras = {}): PendingSend {
		const entry: Entry = {
			...sendOf({ ...extras, clientId, text, createdAt: now }),
			sentAt: null,
			notBefore: 0,
		};
		this.#entries.set(clientId, entry);
		return sendOf(entry);
	}

	/** Settles the entry the server echoed; undefined if it was not ours or already settled. */
	acknowledge(clientId: string): PendingSend | undefined {
		const entry = this.#entries.get(clientId);
		if (!entry) return undefined;
		this.#entries.delete(clientId);
		return sendOf(entry);
	}

	/** Gives up on an entry (the server refused it for good). */
	drop(clientId: string): boolean {
		return this.#entries.delete(clientId);
	}

	/**
	 * Entries to put on the socket now, oldest first: never sent on this socket, or sent longer
	 * than `retryAfterMs` ago without an answer.
	 */
	due(now: number, retryAfterMs: number): PendingSend[] {
		const due: PendingSend[] = [];
		for (const entry of this.#entries.values()) {
			if (entry.notBefore > now) continue;
			if (entry.sentAt === null || now - entry.sentAt >= retryAfterMs) due.push(sendOf(entry));
		}
		return due;
	}

	markSent(clientId: string, now: number): void {
		const entry = this.#entries.get(clientId);
		if (entry) entry.sentAt = now;
	}

	/** The server asked us to slow down: try this one again after `delayMs`. */
	defer(clientId: string, now: number, delayMs: number): void {
		const entry = this.#entries.get(clientId);
		if (!entry) return;
		entry.sentAt = null;
		entry.notBefore = now + delayMs;
	}

	/** The socket is gone: whatever was sent on it must go out again on the next one. */
	socketLost(): void {
		for (const entry of this.#entries.values()) entry.sentAt = null;
	}

	has(clientId: string): boolean {
		return this.#entries.has(clientId);
	}

	list(): PendingSend[] {
		return [...this.#entries.values()].map(sendOf);
	}

	get size(): number {
		return this.#entries.size;
	}
}

/** The send alone (without the outbox's bookkeeping), its extras copied and absent when empty. */
function sendOf(entry: PendingSend): PendingSend {
	const { clientId, text, createdAt, replyTo, mentions, attachments } = entry;
	return {
		clientId,
		text,
		createdAt,
		...(replyTo !== undefined && { replyTo }),
		...(mentions !== undefined && mentions.length > 0 && { mentions: [...mentions] }),
		...(attachments !== undefined && attachments.length > 0 && { attachments: [...attachments] }),
	};
}
