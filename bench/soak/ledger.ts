/**
 * The soak's delivery ledger, per member of a chat (a user, across all its reconnects). Members
 * come and go and resume with `since`, so the fixed grid of generator/phase.ts does not fit: each
 * member instead keeps the seqs it received, in order, and at the end they are compared with the
 * chat's stored history over the member's own window (from the `lastSeq` of its first `ready` to
 * its last message). A retry with the same clientId is answered with the original message, to its
 * sender alone: those answers are counted apart, never as duplicates.
 */

export interface OwnSend {
	text: string;
	/** Retries sent with the same clientId; each is answered by one more copy of the message. */
	retries: number;
	/** Copies of the message received by the sender (the broadcast and the retry answers). */
	copies: number;
	/** The seq the message was stored under, once its first copy arrived (the acknowledgement). */
	seq: number | null;
	/** A refusal (an error frame naming the clientId). */
	refused: string | null;
}

export class MemberLedger {
	readonly userId: string;
	/** `lastSeq` of the first ready frame: the member is owed every message after it. */
	readonly joinSeq: number;
	/** Seqs received as broadcasts or replays, in arrival order (strictly increasing if all is well). */
	private readonly received: number[] = [];
	readonly sends = new Map<string, OwnSend>();
	duplicates = 0;
	outOfOrder = 0;
	retryAnswers = 0;
	/** A retry answered with another seq than the original: a clientId stored twice. */
	retryMismatches = 0;

	constructor(userId: string, joinSeq: number) {
		this.userId = userId;
		this.joinSeq = joinSeq;
	}

	get lastSeq(): number {
		return this.received.at(-1) ?? this.joinSeq;
	}

	get deliveries(): number {
		return this.received.length;
	}

	recordSend(clientId: string, text: string): void {
		this.sends.set(clientId, { text, retries: 0, copies: 0, seq: null, refused: null });
	}

	recordRetry(clientId: string): void {
		const send = this.sends.get(clientId);
		if (send) send.retries++;
	}

	refuse(clientId: string, code: string): void {
		const send = this.sends.get(clientId);
		if (send) send.refused = code;
	}

	/** A `message` frame: its seq, and its author and clientId (to tell our own sends apart). */
	receive(seq: number, userId: string, clientId: string | undefined): void {
		const own = userId === this.userId && clientId !== undefined ? this.sends.get(clientId) : undefined;
		if (own) {
			own.copies++;
			if (own.copies > 1) {
				// The first copy acknowledged the send; later ones answer its retries.
				if (own.copies <= 1 + own.retries) {
					this.retryAnswers++;
					if (own.seq !== seq) this.retryMismatches++;
				} else this.duplicates++;
				return;
			}
			own.seq = seq;
		}
		const last = this.received.at(-1) ?? this.joinSeq;
		if (seq <= last) {
			if (seq <= this.joinSeq || this.received.includes(seq)) this.duplicates++;
			else this.outOfOrder++;
			return;
		}
		this.received.push(seq);
	}

	/** Whether every send has been answered as often as it was sent: safe to close the socket. */
	get settled(): boolean {
		for (const send of this.sends.values())
			if (send.refused === null && send.copies < 1 + send.retries) return false;
		return true;
	}

	/**
	 * Seqs of `stored` (ascending) in this member's window that it never received. The window
	 * ends at `until` for a member still connected at the end (every message is owed), else at the
	 * last seq it received (what was sent after it left is not owed).
	 */
	missing(stored: readonly number[], until: number | null): number[] {
		const end = until ?? this.lastSeq;
		const got = new Set(this.received);
		return stored.filter((seq) => seq > this.joinSeq && seq <= end && !got.has(seq));
	}

	/** Received seqs the history does not hold: invented or lost after being delivered. */
	unknown(stored: ReadonlySet<number>): number {
		return this.received.filter((seq) => !stored.has(seq)).length;
	}
}

/** One stored message as the history pages return it, reduced to what the check needs. */
export interface StoredMessage {
	seq: number;
	userId: string;
	clientId: string | undefined;
	text: string;
}

export interface HistoryCheck {
	stored: number;
	acked: number;
	/** Acknowledged sends the history does not hold (under their seq, author and clientId). */
	ackedMissing: number;
	/** Acknowledged sends held more than once (a (user, clientId) pair under two seqs). */
	ackedRepeated: number;
	/** Acknowledged sends whose stored text differs from what was sent. */
	textMismatches: number;
	/** Sends never acknowledged (the socket closed first, or no answer came): not owed, counted. */
	unacked: number;
	refused: number;
	examples: string[];
}

/** Every acknowledged send of `members` must be in `history` exactly once, with its seq and text. */
export function checkHistory(
	members: readonly MemberLedger[],
	history: readonly StoredMessage[],
): HistoryCheck {
	const byKey = new Map<string, StoredMessage[]>();
	for (const message of history) {
		if (message.clientId === undefined) continue;
		const key = `${message.userId}/${message.clientId}`;
		byKey.set(key, [...(byKey.get(key) ?? []), message]);
	}
	const check: HistoryCheck = {
		stored: history.length,
		acked: 0,
		ackedMissing: 0,
		ackedRepeated: 0,
		textMismatches: 0,
		unacked: 0,
		refused: 0,
		examples: [],
	};
	const note = (text: string) => {
		if (check.examples.length < 5) check.examples.push(text);
	};
	for (const member of members) {
		for (const [clientId, send] of member.sends) {
			if (send.refused !== null) {
				check.refused++;
				continue;
			}
			if (send.seq === null) {
				check.unacked++;
				continue;
			}
			check.acked++;
			const found = byKey.get(`${member.userId}/${clientId}`) ?? [];
			if (found.length > 1) {
				check.ackedRepeated++;
				note(`${clientId} stored ${found.length} times`);
			}
			const stored = found.find((message) => message.seq === send.seq);
			if (!stored) {
				check.ackedMissing++;
				note(`${clientId} acknowledged as seq ${send.seq}, not in history`);
			} else if (stored.text !== send.text) {
				check.textMismatches++;
				note(`${clientId} stored with other text`);
			}
		}
	}
	return check;
}
