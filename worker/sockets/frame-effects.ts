import {
	type ClientFrame,
	type ErrorCode,
	errorFrameOf,
	type ServerFrame,
	type SessionUser,
	type UserRef,
} from "../protocol";
import type { Bucket } from "../sequencer/rate-limiter";
import type { EditOutcome, PostOutcome, ReactionOutcome } from "../sequencer/sequencer";

/** What a client frame asks for. Deciding it needs no socket, so it is tested as a plain function. */
export type FrameEffect =
	| { kind: "post"; text: string; clientId?: string }
	| { kind: "typing" }
	| { kind: "delete"; seq: number }
	| { kind: "edit"; seq: number; text: string }
	| { kind: "react"; seq: number; emoji: string };

export type DeleteOutcome = "deleted" | "forbidden" | "not_found";

/** A send the chat refused for who sent it (muted, banned), with the words to show them. */
export type PostRefused = { kind: "refused"; code: ErrorCode; message: string; retryAfterMs?: number };
export type PostAnswer = PostOutcome | PostRefused;
/** A retry's original that reaches its sender with the batch it belongs to, after the ones before it. */
export type PostComing = { kind: "coming"; seq: number };

/**
 * The chat's sequencer as a socket holder sees it: in the root it is called in place, from a shard
 * over RPC. Either way, what is stored and broadcast is decided there, where the state lives.
 */
export interface Upstream {
	post(
		user: UserRef,
		text: string,
		clientId: string | undefined,
		saved?: Bucket,
	): Promise<PostAnswer | PostComing>;
	remove(user: SessionUser, seq: number): Promise<DeleteOutcome>;
	typing(user: UserRef): Promise<void>;
	edit(user: UserRef, seq: number, text: string): Promise<EditOutcome | PostRefused>;
	react(user: UserRef, seq: number, emoji: string): Promise<ReactionOutcome | PostRefused>;
}

export function effectOf(frame: ClientFrame): FrameEffect {
	switch (frame.type) {
		case "send":
			return frame.clientId === undefined
				? { kind: "post", text: frame.text }
				: { kind: "post", text: frame.text, clientId: frame.clientId };
		case "typing":
			return { kind: "typing" };
		case "delete":
			return { kind: "delete", seq: frame.seq };
		case "edit":
			return { kind: "edit", seq: frame.seq, text: frame.text };
		case "react":
			return { kind: "react", seq: frame.seq, emoji: frame.emoji };
	}
}

/**
 * What the sender alone is told about its post. A new message needs no answer: its echo through
 * the broadcast is the acknowledgement. A retry gets the original again; a refusal names the
 * clientId so the client can settle it.
 */
export function replyToPost(outcome: PostAnswer | PostComing, clientId?: string): ServerFrame | null {
	switch (outcome.kind) {
		case "coming":
			return null;
		case "refused":
			return {
				...errorFrameOf(outcome.code, outcome.message, clientId),
				...(outcome.retryAfterMs !== undefined && { retryAfterMs: Math.ceil(outcome.retryAfterMs) }),
			};
		case "created":
			return null;
		case "duplicate":
			return { type: "message", message: outcome.message };
		case "rate_limited":
			return {
				...errorFrameOf(
					"rate_limited",
					`Too many messages; try again in ${Math.ceil(outcome.retryAfterMs / 1000)} s`,
					clientId,
				),
				retryAfterMs: Math.ceil(outcome.retryAfterMs),
			};
	}
}

/**
 * A retry's answer as a shard may give it. The root stored the original long enough ago to know
 * it; the batch carrying it to this shard may still be on its way. Answered now, the socket would
 * get that seq ahead of the messages before it, and a client that resumes from the highest seq it
 * saw would skip them for good. So a shard answers only with what it has delivered (`through`);
 * anything later reaches the sender with its batch, in order, which acknowledges it just as well.
 */
export function inDeliveryOrder(outcome: PostAnswer | PostComing, through: number): PostAnswer | PostComing {
	return outcome.kind === "duplicate" && outcome.message.seq > through
		? { kind: "coming", seq: outcome.message.seq }
		: outcome;
}

/** A change's answer to its sender: nothing when it went out to everyone, else the refusal. */
export function replyToChange(outcome: EditOutcome | ReactionOutcome | PostRefused): ServerFrame | null {
	return outcome.kind === "refused" ? errorFrameOf(outcome.code, outcome.message) : null;
}

export function replyToDelete(outcome: DeleteOutcome, seq: number): ServerFrame | null {
	switch (outcome) {
		case "deleted":
			return null;
		case "forbidden":
			return errorFrameOf("forbidden", "Only the chat's owner and moderators may delete others' messages");
		case "not_found":
			return errorFrameOf("not_found", `No message ${seq}`);
	}
}
