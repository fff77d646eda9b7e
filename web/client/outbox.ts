/** What a send may carry beside its text (docs/API.md, the `send` frame). */
export interface SendExtras {
	/** The seq of the message this one answers. */
	replyTo?: number;
	/** Ids of the chat's users it mentions (at most `limits.mentionsMax`). */
	mentions?: string[];
	/** Ids of files uploaded for it. */
	attachments?: string[];
}

/** A message the user sent that the server has not yet echoed back, with its extras. */
export interface PendingSend extends SendExtras {
	readonly clientId: string;
	readonly text: string;
	/** When the user sent it (epoch ms, local clock). */
	readonly createdAt: number;
}

interface Entry {
	readonly send: PendingSend;
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

	/** Keeps a send, its extras included (every repeat carries them), until it is settled. */
	add(clientId: string, text: string, now: number, extras: SendExtras = {}): PendingSend {
		const send = copy({ ...extras, clientId, text, createdAt: now });
		this.#entries.set(clientId, { send, sentAt: null, notBefore: 0 });
		return copy(send);
	}

	/** Settles the entry the server echoed; undefined if it was not ours or already settled. */
	acknowledge(clientId: string): PendingSend | undefined {
		const entry = this.#entries.get(clientId);
		if (!entry) return undefined;
		this.#entries.delete(clientId);
		return copy(entry.send);
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
			if (entry.sentAt === null || now - entry.sentAt >= retryAfterMs) due.push(entry.send);
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
		return [...this.#entries.values()].map((entry) => copy(entry.send));
	}

	get size(): number {
		return this.#entries.size;
	}
}

/** A copy with only the fields a send has (and only the extras it was given), arrays copied too. */
function copy(send: PendingSend): PendingSend {
	const { clientId, text, createdAt, replyTo, mentions, attachments } = send;
	return {
		clientId,
		text,
		createdAt,
		...(replyTo !== undefined ? { replyTo } : {}),
		...(mentions !== undefined ? { mentions: [...mentions] } : {}),
		...(attachments !== undefined ? { attachments: [...attachments] } : {}),
	};
}
