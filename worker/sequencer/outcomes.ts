import type { ChatMessage, ReactionCount, Refused, ReplaySummary } from "../protocol";
import type { Bucket } from "./rate-limiter";

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
