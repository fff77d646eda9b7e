import type { ChatMessage, ReactionCount, Refused, ReplaySummary } from "../protocol";
import type { Bucket } from "./rate-limiter";

/**
 * What a sender asks the chat to post, from a socket's `send` frame or the HTTP body alike.
 * Whatever a message may carry besides its text is added here, once, for every path.
 */
export interface Draft {
	/** Empty only when the draft carries attachments (the schemas of both paths check it). */
	text: string;
	clientId?: string;
	/** The seq of the message this one answers. */
	replyTo?: number;
	/** Ids of users of the chat, in order, without repeats (ChatWrites drops the others first). */
	mentions?: string[];
	/** Ids of files the sender uploaded to this chat, carried by no message yet. */
	attachments?: string[];
}

/** A post's outcome: stored, the original of a retry, rate limited, or refused (a bad `replyTo`). */
export type PostOutcome =
	| { kind: "created"; message: ChatMessage; bucket: Bucket }
	| { kind: "duplicate"; message: ChatMessage }
	| { kind: "rate_limited"; retryAfterMs: number }
	| Refused;

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
