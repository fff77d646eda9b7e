import type { RoomEvents } from "../observability/room-events";
import type { SessionUser, UserRef } from "../protocol";
import type { Bucket } from "../sequencer/rate-limiter";
import type { EditOutcome, ReactionOutcome, Sequencer } from "../sequencer/sequencer";
import type { DeleteOutcome, PostAnswer, PostRefused, Upstream } from "../sockets/frame-effects";
import type { RoomWebhooks } from "../webhooks/room-webhooks";
import type { FanoutEvent } from "../fanout/fanout-batch";
import type { ModerationDesk } from "./moderation-desk";

const typingIntervalMs = 1500;

/** What the chat's writes are carried out with: the root's parts they store, check and tell. */
export interface WriteParts {
	sequencer: Sequencer;
	desk: ModerationDesk;
	webhooks: RoomWebhooks;
	events: RoomEvents;
	/** Runs `write` as one transaction of the root's storage. */
	transaction: <T>(write: () => T) => T;
	/** To the root's own sockets at once, and to every shard with the turn's batch. */
	publish: (event: FanoutEvent, seqBefore?: number) => void;
	/** The log grew past its retention: the alarm trims it. */
	trimSoon: () => void;
}

/**
 * The chat's writes, from a socket of any object or from the HTTP API: a post, an edit, a
 * reaction, a deletion, a typing notice. Each checks who may, has the sequencer store it, and
 * publishes what changed.
 */
export class ChatWrites {
	private readonly lastTyping = new Map<string, number>();

	constructor(private readonly parts: WriteParts) {}

	/** The root's own sockets reach the sequencer in place; shards reach it over RPC. */
	readonly upstream: Upstream = {
		post: async (user, text, clientId, saved) => this.post(user, text, clientId, saved),
		remove: async (user, seq) => this.remove(user, seq),
		typing: async (user) => this.typing(user),
		edit: async (user, seq, text) => this.edit(user, seq, text),
		react: async (user, seq, emoji) => this.react(user, seq, emoji),
	};

	edit(user: UserRef, seq: number, text: string): EditOutcome | PostRefused {
		const { sequencer, desk, webhooks } = this.parts;
		const refusal = desk.postRefusal(user, Date.now());
		if (refusal) return { kind: "refused", code: refusal.code, message: refusal.message };
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

	react(user: UserRef, seq: number, emoji: string, on?: boolean): ReactionOutcome | PostRefused {
		const refusal = this.parts.desk.postRefusal(user, Date.now());
		if (refusal) return { kind: "refused", code: refusal.code, message: refusal.message };
		const outcome = this.parts.sequencer.react(user, seq, emoji, on);
		if (outcome.kind === "reactions" && outcome.changed) {
			this.parts.publish({ kind: "reactions", seq, reactions: outcome.reactions, rev: outcome.rev });
		}
		return outcome;
	}

	post(user: UserRef, text: string, clientId: string | undefined, saved?: Bucket): PostAnswer {
		const { sequencer, desk, webhooks, events } = this.parts;
		const now = Date.now();
		const refusal = desk.postRefusal(user, now) ?? desk.ruleRefusal(user.id, sequencer.info ?? {}, now);
		if (refusal) {
			const wait = refusal.retryAfterMs === undefined ? {} : { retryAfterMs: refusal.retryAfterMs };
			return { kind: "refused", code: refusal.code, message: refusal.message, ...wait };
		}
		// The message and its webhook event are one transaction: both are stored, or neither.
		const outcome = this.parts.transaction(() => {
			const result = sequencer.post(user, text, clientId, now, saved);
			if (result.kind === "created") {
				webhooks.record(sequencer.require().id, "message.created", { message: result.message });
			}
			return result;
		});
		if (outcome.kind === "rate_limited") events.rateLimited();
		if (outcome.kind === "created") {
			events.stored(sequencer.info?.history ?? true);
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

	remove(user: SessionUser, seq: number): DeleteOutcome {
		const { sequencer, desk, webhooks } = this.parts;
		const author = sequencer.authorOf(seq);
		if (author === null) return "not_found";
		// Everyone may delete their own messages; the owner and moderators anyone's.
		if (author !== user.id && desk.roleOf(user) === "member") return "forbidden";
		const rev = this.parts.transaction(() => {
			const changed = sequencer.redact(seq);
			if (changed !== null) webhooks.record(sequencer.require().id, "message.deleted", { seq });
			return changed;
		});
		if (rev === null) return "not_found";
		this.parts.publish({ kind: "deleted", seq, rev });
		return "deleted";
	}

	typing(user: UserRef): void {
		const now = Date.now();
		// Typing notices are hints; a few per user per second is plenty and bounds the fan-out.
		if (now - (this.lastTyping.get(user.id) ?? 0) < typingIntervalMs) return;
		this.lastTyping.set(user.id, now);
		this.parts.publish({ kind: "typing", user: { id: user.id, name: user.name } });
	}
}
