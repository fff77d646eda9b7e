import { writeRefusal } from "../door/admission";
import type { FanoutEvent } from "../fanout/fanout-batch";
import type { RoomEvents } from "../observability/room-events";
import type { Refused, SessionUser, UserRef } from "../protocol";
import { refusals } from "../refusals";
import type { Bucket } from "../sequencer/rate-limiter";
import type { Sequencer } from "../sequencer/sequencer";
import type {
	DeleteAnswer,
	Draft,
	EditAnswer,
	PostAnswer,
	ReactAnswer,
	WriteFace,
} from "../sockets/upstream";
import type { RoomWebhooks } from "../webhooks/room-webhooks";
import type { ChatFiles } from "./chat-files";
import type { ModerationDesk } from "./moderation-desk";

const typingIntervalMs = 1500;

/** What the chat's writes are carried out with: the root's parts they store, check and tell. */
export interface WriteParts {
	sequencer: Sequencer;
	desk: ModerationDesk;
	webhooks: RoomWebhooks;
	events: RoomEvents;
	files: ChatFiles;
	/** Runs `write` as one transaction of the root's storage. */
	transaction: <T>(write: () => T) => T;
	/** To the root's own sockets at once, and to every shard with the turn's batch. */
	publish: (event: FanoutEvent, seqBefore?: number) => void;
	/** The log grew past its retention: the alarm trims it. */
	trimSoon: () => void;
	/** Has the shards report the users they let in and have not reported yet (ShardSync). */
	collectNotedUsers: () => Promise<void>;
}

const noChat = (): Refused => ({ kind: "refused", ...refusals.chatNotFound() });

/**
 * The chat's one write face: a post, an edit, a reaction, a deletion, a typing notice, whoever
 * sends it (the Worker's routes, a socket of the root, a shard's socket). Each checks who may at
 * the door, has the sequencer store it, and publishes what changed. A deleted chat refuses all.
 */
export class ChatWrites implements WriteFace {
	private readonly lastTyping = new Map<string, number>();

	constructor(private readonly parts: WriteParts) {}

	async edit(user: UserRef, seq: number, text: string): Promise<EditAnswer> {
		const { sequencer, desk, webhooks } = this.parts;
		if (!sequencer.info) return noChat();
		const refusal = writeRefusal(desk, user.id, Date.now());
		if (refusal) return { kind: "refused", ...refusal };
		// The change and its webhook event are one transaction: both are stored, or neither.
		const outcome = this.parts.transaction(() => {
			const result = sequencer.edit(user, seq, text, Date.now());
			if (result.kind === "edited") {
				webhooks.record(sequencer.require().id, "message.edited", { message: result.message });
			}
			return result;
		});
		if (outcome.kind === "edited")
			this.parts.publish({ kind: "edited", message: outcome.message, rev: outcome.rev });
		return outcome;
	}

	async react(user: UserRef, seq: number, emoji: string, on?: boolean): Promise<ReactAnswer> {
		const { sequencer, desk } = this.parts;
		if (!sequencer.info) return noChat();
		const refusal = writeRefusal(desk, user.id, Date.now());
		if (refusal) return { kind: "refused", ...refusal };
		const outcome = sequencer.react(user, seq, emoji, on);
		if (outcome.kind === "reactions" && outcome.changed) {
			this.parts.publish({ kind: "reactions", seq, reactions: outcome.reactions, rev: outcome.rev });
		}
		return outcome;
	}

	/** `uploader`: whose uploads the attachments must be; the sender's own, unless a backend posts. */
	async post(user: UserRef, asked: Draft, saved?: Bucket, uploader = user.id): Promise<PostAnswer> {
		const { sequencer, desk, webhooks, events } = this.parts;
		if (!sequencer.info) return noChat();
		const draft = asked.mentions ? { ...asked, mentions: await this.usersAmong(asked.mentions) } : asked;
		// Read again after the wait: the chat may have changed (or gone) meanwhile.
		const chat = sequencer.info;
		if (!chat) return noChat();
		const now = Date.now();
		const refusal = writeRefusal(desk, user.id, now) ?? desk.ruleRefusal(user.id, chat, now);
		if (refusal) return { kind: "refused", ...refusal };
		// The message and its webhook event are one transaction: both are stored, or neither.
		const outcome = this.parts.transaction(() => {
			const result = sequencer.post(user, draft, now, saved, uploader);
			if (result.kind === "created") {
				webhooks.record(chat.id, "message.created", { message: result.message });
			}
			return result;
		});
		if (outcome.kind === "rate_limited") {
			events.rateLimited();
			return { kind: "refused", ...refusals.rateLimited(outcome.retryAfterMs) };
		}
		if (outcome.kind === "created") {
			events.stored(chat.history);
			desk.posted(user.id, now);
			// Whoever posts has stopped typing: their next keystroke is news again.
			this.lastTyping.delete(user.id);
			this.parts.publish(
				{ kind: "message", message: outcome.message, rev: sequencer.rev },
				outcome.message.seq - 1,
			);
			if (sequencer.needsTrim()) this.parts.trimSoon();
		}
		return outcome;
	}

	/**
	 * The ids that name users of the chat (anyone it issued a token to), in order, without repeats.
	 * A user a shard let in a moment ago may not be reported yet: the shards are asked first.
	 */
	private async usersAmong(ids: string[]): Promise<string[]> {
		const { desk } = this.parts;
		const unique = [...new Set(ids)];
		if (!unique.every((id) => desk.knows(id))) await this.parts.collectNotedUsers();
		return unique.filter((id) => desk.knows(id));
	}

	async remove(user: SessionUser, seq: number): Promise<DeleteAnswer> {
		const { sequencer, desk, webhooks } = this.parts;
		if (!sequencer.info) return noChat();
		const author = sequencer.authorOf(seq);
		if (author === null) return { kind: "refused", ...refusals.noMessage(seq) };
		// Everyone may delete their own messages; the owner and moderators anyone's.
		if (author !== user.id && desk.roleOf(user) === "member") {
			return { kind: "refused", ...refusals.notYourMessageToDelete() };
		}
		const removed = this.parts.transaction(() => {
			const changed = sequencer.redact(seq, Date.now());
			if (changed !== null) webhooks.record(sequencer.require().id, "message.deleted", { seq });
			return changed;
		});
		if (removed === null) return { kind: "refused", ...refusals.noMessage(seq) };
		this.parts.publish({ kind: "deleted", seq, rev: removed.rev });
		// Its files go with it: once the deletion is answered, they answer 404.
		await this.parts.files.release(removed.files);
		return { kind: "deleted" };
	}

	async typing(user: UserRef): Promise<void> {
		if (!this.parts.sequencer.info) return;
		const now = Date.now();
		// Typing notices are hints; a few per user per second is plenty and bounds the fan-out.
		if (now - (this.lastTyping.get(user.id) ?? 0) < typingIntervalMs) return;
		this.lastTyping.set(user.id, now);
		this.parts.publish({ kind: "typing", user: { id: user.id, name: user.name } });
	}
}
