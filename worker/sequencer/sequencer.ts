import type { Settings } from "../config";
import { Uploads } from "../files/uploads";
import { newMessageId } from "../ids";
import { type ChatMessage, type HistoryPage, limits, type Refused, type UserRef } from "../protocol";
import { refusals } from "../refusals";
import { draftExtras } from "./draft-extras";
import { MessageLog, type PageQuery } from "./message-log";
import type { Change, Draft, EditOutcome, PostOutcome, ReactionOutcome, Replay } from "./outcomes";
import { type Bucket, RateLimiter } from "./rate-limiter";
import { Reactions } from "./reactions";
import { RecentMessages } from "./recent-messages";
import { RelayedSends } from "./relayed-sends";
import { Retention } from "./retention";
import { type RoomInit, RoomRecord, type SettingsChange } from "./room-record";
import { SearchIndex, type SearchRequest } from "./search-index";

export type { Change, Draft, EditOutcome, PostOutcome, ReactionOutcome, Replay } from "./outcomes";

/** Messages the root keeps in memory: enough to fill a shard's gap in a chat that stores nothing. */
const recentHeld = 256;

/**
 * The chat's sequencer, and its only writer: idempotency by (user, clientId), the one total order
 * (seq), rate limits per user, the log and its retention. It knows nothing of sockets or of the
 * objects that hold them; the room fans out what it returns.
 */
export class Sequencer {
	readonly record: RoomRecord;
	readonly log: MessageLog;
	/** The files uploaded to the chat, and the messages that carry them. */
	readonly uploads: Uploads;
	private readonly index: SearchIndex;
	private readonly reactions: Reactions;
	private readonly limiter: RateLimiter;
	private chat: RoomInit | null = null;
	private lastSeq = 0;
	/** The change counter: every new message, edit, deletion and reaction moves it on by one. */
	private revision = 0;
	private readonly retention: Retention;
	private readonly relayed = new RelayedSends();
	private readonly recent = new RecentMessages(recentHeld);

	constructor(sql: SqlStorage, settings: Settings) {
		this.record = new RoomRecord(sql);
		this.log = new MessageLog(sql);
		this.uploads = new Uploads(sql);
		this.index = new SearchIndex(sql);
		this.reactions = new Reactions(sql);
		this.retention = new Retention(
			settings.messageRetention,
			this.log,
			this.reactions,
			this.index,
			this.uploads,
		);
		this.limiter = new RateLimiter({
			capacity: settings.rateLimitMessages,
			windowMs: settings.rateLimitWindowMs,
		});
	}

	/** Loads the room, if it was ever created. Never writes to a room that does not exist. */
	load(): RoomInit | null {
		const record = this.record.load();
		if (!record) return null;
		this.createSchema();
		this.record.countWake();
		this.chat = record;
		this.lastSeq = Math.max(record.lastSeq, this.log.lastSeq());
		this.revision = Math.max(this.record.readRev(), this.log.maxRev(), this.lastSeq);
		this.recent.reset(this.lastSeq, [], this.lastSeq);
		return record;
	}

	create(init: RoomInit): boolean {
		this.createSchema();
		const created = this.record.create(init);
		if (created) {
			this.chat = init;
			this.recent.reset(0, [], 0);
		}
		return created;
	}

	private createSchema(): void {
		this.record.createSchema();
		this.log.createSchema();
		this.index.createSchema();
		this.reactions.createSchema();
		this.uploads.createSchema();
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

	/** `uploader`: whose uploads the attachments must be (the sender's own, unless a backend posts). */
	post(user: UserRef, draft: Draft, now: number, saved?: Bucket, uploader = user.id): PostOutcome {
		const chat = this.require();
		const { text, clientId, mentions } = draft;
		if (clientId !== undefined) {
			const original = chat.history
				? this.log.findByClientId(user.id, clientId)
				: this.relayed.find(user.id, clientId);
			// A retry must not spend the sender's rate limit, nor store or broadcast anything.
			if (original) return { kind: "duplicate", message: original };
		}
		const extras = draftExtras(draft, uploader, (seq) => this.held(seq), this.uploads);
		if ("code" in extras) return { kind: "refused", ...extras };
		const take = this.limiter.take(user.id, now, saved);
		if (!take.allowed) return { kind: "rate_limited", retryAfterMs: take.retryAfterMs };

		const message: ChatMessage = { seq: this.lastSeq + 1, id: newMessageId(), user, text, ts: now };
		if (clientId !== undefined) message.clientId = clientId;
		if (extras.replyTo) message.replyTo = extras.replyTo;
		if (mentions && mentions.length > 0) message.mentions = mentions;
		if (extras.attachments) message.attachments = extras.attachments;
		const rev = this.revision + 1;
		if (chat.history) {
			this.log.append({ ...message, rev });
			this.index.posted(message.seq);
		} else {
			this.record.saveLastSeq(message.seq, rev);
			if (clientId !== undefined) this.relayed.remember(user.id, clientId, message);
		}
		// Stored with the log, the files stay as long as their message; relayed only, an hour all the same.
		const files = extras.attachments?.map((file) => file.id) ?? [];
		if (files.length > 0) this.uploads.attach(files, message.seq, chat.history);
		this.lastSeq = message.seq;
		this.revision = rev;
		this.recent.add(message);
		return { kind: "created", message, bucket: take.bucket };
	}

	/** A message as the chat holds it: from the log, or (storing nothing) from the newest in memory. */
	private held(seq: number): ChatMessage | null {
		return this.require().history ? this.log.get(seq) : this.recent.find(seq);
	}

	/** The author of a stored message, or null when there is no such message. */
	authorOf(seq: number): string | null {
		return this.require().history ? (this.log.get(seq)?.user.id ?? null) : null;
	}

	/**
	 * Removes a message's text and what it carried: the rev of the change and the files it carried
	 * (due for deletion from now), or null for no such message.
	 */
	redact(seq: number, now: number): { rev: number; files: string[] } | null {
		if (!this.require().history || !this.log.get(seq)) return null;
		const rev = this.bump();
		this.log.redact(seq, rev);
		this.index.remove(seq);
		this.reactions.clear(seq);
		this.recent.redact(seq);
		return { rev, files: this.uploads.release(seq, now) };
	}

	/** The author replaces the text of their own message. */
	edit(user: UserRef, seq: number, text: string, now: number): EditOutcome {
		const found = this.changeable(seq);
		if ("kind" in found) return found;
		if (found.user.id !== user.id) return { kind: "refused", ...refusals.notYourMessageToEdit() };
		const rev = this.bump();
		this.log.edit(seq, text, now, rev);
		this.index.replace(seq, text);
		const message = this.log.get(seq) ?? { ...found, text, editedAt: now };
		this.recent.update(message);
		return { kind: "edited", message, rev };
	}

	/** Sets (true), removes (false) or toggles (undefined) the user's reaction on a message. */
	react(user: UserRef, seq: number, emoji: string, on?: boolean): ReactionOutcome {
		const found = this.changeable(seq);
		if ("kind" in found) return found;
		const outcome = this.reactions.react(seq, emoji, user.id, on);
		if (outcome.kind === "too_many") return { kind: "refused", ...refusals.tooManyReactions() };
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
		if (!this.require().history) return { kind: "refused", ...refusals.noHistoryToChange() };
		const message = this.log.get(seq);
		if (!message) return { kind: "refused", ...refusals.noMessage(seq) };
		if (message.deleted) return { kind: "refused", ...refusals.deletedMessage(seq) };
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
	 * Indexes up to `rows` of the messages waiting for the search index; true once none wait (at
	 * once in a chat that stores nothing). Run it to true before `search`, a transaction a step.
	 */
	indexForSearch(rows: number): boolean {
		return !this.require().history || this.index.catchUp(rows);
	}

	/** The stored messages holding every word of the text, newest first (none where nothing is stored). */
	search(request: SearchRequest): HistoryPage {
		if (!this.require().history) return { messages: [], hasMore: false };
		return this.index.search(request);
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
		return this.require().history && this.retention.due(this.lastSeq);
	}

	/** One bounded trimming pass; returns true while more remains, so the caller can come back. */
	trim(batch: number): boolean {
		return this.chat?.history === true && this.retention.trim(this.lastSeq, batch);
	}

	/** The chat's record, for work that needs the chat to exist. */
	require(): RoomInit {
		if (!this.chat) throw new Error("the room was used before it was created");
		return this.chat;
	}
}
