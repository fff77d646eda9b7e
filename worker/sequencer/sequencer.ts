import type { Settings } from "../config";
import { newMessageId } from "../ids";
import {
	type ChatMessage,
	type HistoryPage,
	limits,
	type ReactionCount,
	type Refused,
	type ReplaySummary,
	refused,
	type UserRef,
} from "../protocol";
import { refusals } from "../refusals";
import type { PageQuery } from "./message-log";
import { MessageLog } from "./message-log";
import { type Bucket, RateLimiter } from "./rate-limiter";
import { Reactions } from "./reactions";
import { RecentMessages } from "./recent-messages";
import { RelayedSends } from "./relayed-sends";

/**
 * What a sender asks the chat to post, from a socket's `send` frame or the HTTP body alike.
 * Whatever a message may carry besides its text is added here, once, for every path.
 */
export interface Draft {
	text: string;
	clientId?: string;
}

import { type RoomInit, RoomRecord, type SettingsChange } from "./room-record";

export type PostOutcome =
	| { kind: "created"; message: ChatMessage; bucket: Bucket }
	| { kind: "duplicate"; message: ChatMessage }
	| { kind: "rate_limited"; retryAfterMs: number };

/** Messages the root keeps in memory: enough to fill a shard's gap in a chat that stores nothing. */
const recentHeld = 256;

export type EditOutcome = { kind: "edited"; message: ChatMessage; rev: number } | Refused;
export type ReactionOutcome =
	| { kind: "reactions"; seq: number; reactions: ReactionCount[]; rev: number; changed: boolean }
	| Refused;

/** A message changed after some rev, in its latest state, with the rev of that change. */
export interface Change {
	message: ChatMessage;
	rev: number;
}

export interface Replay {
	summary: ReplaySummary;
	messages: ChatMessage[];
}

/**
 * The chat's sequencer, and its only writer: idempotency by (user, clientId), the one total order
 * (seq), rate limits per user, the log and its retention. It knows nothing of sockets or of the
 * objects that hold them; the room fans out what it returns.
 */
export class Sequencer {
	readonly record: RoomRecord;
	readonly log: MessageLog;
	private readonly reactions: Reactions;
	private readonly limiter: RateLimiter;
	private chat: RoomInit | null = null;
	private lastSeq = 0;
	/** The change counter: every new message, edit, deletion and reaction moves it on by one. */
	private revision = 0;
	/** Highest seq retention has already dealt with in this instance's lifetime. */
	private trimmedThrough = 0;
	private readonly relayed = new RelayedSends();
	private readonly recent = new RecentMessages(recentHeld);

	constructor(
		sql: SqlStorage,
		private readonly settings: Settings,
	) {
		this.record = new RoomRecord(sql);
		this.log = new MessageLog(sql);
		this.reactions = new Reactions(sql);
		this.limiter = new RateLimiter({
			capacity: settings.rateLimitMessages,
			windowMs: settings.rateLimitWindowMs,
		});
	}

	/** Loads the room, if it was ever created. Never writes to a room that does not exist. */
	load(): RoomInit | null {
		const record = this.record.load();
		if (!record) return null;
		this.record.createSchema();
		this.log.createSchema();
		this.reactions.createSchema();
		this.record.countWake();
		this.chat = record;
		this.lastSeq = Math.max(record.lastSeq, this.log.lastSeq());
		this.revision = Math.max(this.record.readRev(), this.log.maxRev(), this.lastSeq);
		this.recent.reset(this.lastSeq, [], this.lastSeq);
		return record;
	}

	create(init: RoomInit): boolean {
		this.record.createSchema();
		this.log.createSchema();
		this.reactions.createSchema();
		const created = this.record.create(init);
		if (created) {
			this.chat = init;
			this.recent.reset(0, [], 0);
		}
		return created;
	}

	get info(): RoomInit | null {
		return this.chat;
	}

	get newestSeq(): number {
		return this.lastSeq;
	}

	/** An owner's change of settings or keys: written, then read back as the chat's record. */
	change(change: SettingsChange, key?: { which: "invite" | "owner"; hash: string }): RoomInit {
		this.require();
		this.record.change(change);
		if (key) this.record.setKeyHash(key.which, key.hash);
		const record = this.record.read();
		if (!record) throw new Error("the room record vanished");
		const { lastSeq: _lastSeq, wakes: _wakes, ...init } = record;
		this.chat = init;
		return init;
	}

	/** The chat was deleted (its storage is being erased): from now on it does not exist. */
	forget(): void {
		this.chat = null;
	}

	get rev(): number {
		return this.revision;
	}

	post(user: UserRef, draft: Draft, now: number, saved?: Bucket): PostOutcome {
		const chat = this.require();
		const { text, clientId } = draft;
		if (clientId !== undefined) {
			const original = chat.history
				? this.log.findByClientId(user.id, clientId)
				: this.relayed.find(user.id, clientId);
			// A retry must not spend the sender's rate limit, nor store or broadcast anything.
			if (original) return { kind: "duplicate", message: original };
		}
		const take = this.limiter.take(user.id, now, saved);
		if (!take.allowed) return { kind: "rate_limited", retryAfterMs: take.retryAfterMs };

		const message: ChatMessage = { seq: this.lastSeq + 1, id: newMessageId(), user, text, ts: now };
		if (clientId !== undefined) message.clientId = clientId;
		const rev = this.revision + 1;
		if (chat.history) this.log.append({ ...message, rev });
		else {
			this.record.saveLastSeq(message.seq, rev);
			if (clientId !== undefined) this.relayed.remember(user.id, clientId, message);
		}
		this.lastSeq = message.seq;
		this.revision = rev;
		this.recent.add(message);
		return { kind: "created", message, bucket: take.bucket };
	}

	/** The author of a stored message, or null when there is no such message. */
	authorOf(seq: number): string | null {
		return this.require().history ? (this.log.get(seq)?.user.id ?? null) : null;
	}

	/** Removes a message's text; returns the rev of the change, or null for no such message. */
	redact(seq: number): number | null {
		if (!this.require().history || !this.log.get(seq)) return null;
		const rev = this.bump();
		this.log.redact(seq, rev);
		this.reactions.clear(seq);
		this.recent.redact(seq);
		return rev;
	}

	/** The author replaces the text of their own message. */
	edit(user: UserRef, seq: number, text: string, now: number): EditOutcome {
		const found = this.changeable(seq);
		if ("kind" in found) return found;
		if (found.user.id !== user.id) return refused(403, "forbidden", "You can edit only your own messages");
		const rev = this.bump();
		this.log.edit(seq, text, now, rev);
		const message = this.log.get(seq) ?? { ...found, text, editedAt: now };
		this.recent.update(message);
		return { kind: "edited", message, rev };
	}

	/** Sets (true), removes (false) or toggles (undefined) the user's reaction on a message. */
	react(user: UserRef, seq: number, emoji: string, on?: boolean): ReactionOutcome {
		const found = this.changeable(seq);
		if ("kind" in found) return found;
		const outcome = this.reactions.react(seq, emoji, user.id, on);
		if (outcome.kind === "too_many") {
			return refused(
				400,
				"bad_request",
				`A message carries at most ${limits.reactionsPerMessageMax} different reactions`,
			);
		}
		if (outcome.kind === "unchanged") {
			return { kind: "reactions", seq, reactions: outcome.reactions, rev: this.revision, changed: false };
		}
		const rev = this.bump();
		this.log.setReactions(seq, outcome.reactions, rev);
		const message = this.log.get(seq);
		if (message) this.recent.update(message);
		return { kind: "reactions", seq, reactions: outcome.reactions, rev, changed: true };
	}

	/**
	 * Messages up to seq `through` changed after rev `after` (up to rev `upto`), each once in
	 * its latest state: what a client resuming with `rev` missed besides new messages.
	 */
	changesSince(after: number, through: number, upto = Number.MAX_SAFE_INTEGER): Change[] {
		if (!this.require().history || after >= this.revision) return [];
		return this.log.changedAfter(after, through, limits.replayMax, upto);
	}

	private changeable(seq: number): ChatMessage | Refused {
		if (!this.require().history) {
			return refused(400, "bad_request", "This chat keeps no history: its messages cannot be changed");
		}
		const message = this.log.get(seq);
		if (!message) return { kind: "refused", ...refusals.noMessage(seq) };
		if (message.deleted) return refused(400, "bad_request", `Message ${seq} was deleted`);
		return message;
	}

	private bump(): number {
		this.revision += 1;
		this.record.saveRev(this.revision);
		return this.revision;
	}

	history(query: PageQuery): HistoryPage {
		if (!this.require().history) return { messages: [], hasMore: false };
		return this.log.page(query);
	}

	/**
	 * What a client that last saw `since` missed, up to `upto` (a shard asks only for what it has
	 * not already delivered itself): the newest `limits.replayMax` of it, in order.
	 */
	replay(since: number, upto = Number.MAX_SAFE_INTEGER): Replay {
		const messages = this.require().history ? this.log.tail(since, limits.replayMax, upto) : [];
		const missed = messages.length < limits.replayMax ? messages.length : this.log.countAfter(since, upto);
		return {
			messages,
			summary: { since, missed, replayed: messages.length, firstSeq: messages[0]?.seq ?? null },
		};
	}

	/**
	 * Every message above `after` up to `upto`, for a shard that found a gap in what it was sent.
	 * A chat that stores nothing can fill only from memory; what is no longer held stays a gap.
	 */
	range(after: number, upto: number): ChatMessage[] {
		const held = this.recent.between(after, upto);
		if (held || !this.require().history) return held ?? [];
		return this.log.page({ after, before: upto + 1, limit: Math.min(upto - after, limits.replayMax) })
			.messages;
	}

	/** The newest `count` messages, for a shard starting up (empty in a chat that stores nothing). */
	newest(count: number): ChatMessage[] {
		return this.require().history ? this.log.tail(0, count) : [];
	}

	/** True when the log has outgrown retention by enough to be worth a trimming pass. */
	needsTrim(): boolean {
		const chat = this.require();
		const slack = Math.max(1, Math.floor(this.settings.messageRetention / 100));
		return chat.history && this.lastSeq - this.settings.messageRetention > this.trimmedThrough + slack;
	}

	/** One bounded trimming pass; returns true while more remains, so the caller can come back. */
	trim(batch: number): boolean {
		if (!this.chat?.history) return false;
		const more = this.log.trim(this.settings.messageRetention, batch);
		this.reactions.trimThrough(this.log.oldestSeq() - 1);
		if (!more) this.trimmedThrough = this.lastSeq - this.settings.messageRetention;
		return more;
	}

	/** The chat's record, for work that needs the chat to exist. */
	require(): RoomInit {
		if (!this.chat) throw new Error("the room was used before it was created");
		return this.chat;
	}
}
