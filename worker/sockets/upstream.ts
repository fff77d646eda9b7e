import type { ChatMessage, Refused, SessionUser, UserRef } from "../protocol";
import type { Bucket } from "../sequencer/rate-limiter";
import type { Draft, EditOutcome, ReactionOutcome } from "../sequencer/sequencer";

export type { Draft } from "../sequencer/sequencer";

/** A post's answer from the root: stored, the original of a retry, or refused (with the words to show). */
export type PostAnswer =
	| { kind: "created"; message: ChatMessage; bucket: Bucket }
	| { kind: "duplicate"; message: ChatMessage }
	| Refused;
export type EditAnswer = EditOutcome;
export type ReactAnswer = ReactionOutcome;
export type DeleteAnswer = { kind: "deleted" } | Refused;

/** A retry's original that reaches its sender with the batch it belongs to, after the ones before it. */
export type PostComing = { kind: "coming"; seq: number };

/**
 * The chat's one write face, the root's: post, edit, react, delete, typing, whoever calls it (the
 * Worker's routes, a socket of the root in place, a shard's socket over RPC). What is stored and
 * broadcast is decided there, where the state lives; a refusal comes back as data, never thrown.
 */
export interface WriteFace {
	post(user: UserRef, draft: Draft, saved?: Bucket): Promise<PostAnswer>;
	edit(user: UserRef, seq: number, text: string): Promise<EditAnswer>;
	react(user: UserRef, seq: number, emoji: string, on?: boolean): Promise<ReactAnswer>;
	remove(user: SessionUser, seq: number): Promise<DeleteAnswer>;
	typing(user: UserRef): Promise<void>;
}

/** The write face as a socket holder reaches it: a shard may answer a retry with "coming" (inDeliveryOrder). */
export interface Upstream extends Omit<WriteFace, "post"> {
	post(user: UserRef, draft: Draft, saved?: Bucket): Promise<PostAnswer | PostComing>;
}
