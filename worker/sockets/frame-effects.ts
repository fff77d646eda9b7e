import { type ClientFrame, errorFrameOfRefusal, type ServerFrame } from "../protocol";
import type { DeleteAnswer, Draft, EditAnswer, PostAnswer, PostComing, ReactAnswer } from "./upstream";

/** What a client frame asks for. Deciding it needs no socket, so it is tested as a plain function. */
export type FrameEffect =
	| { kind: "post"; draft: Draft; clientId?: string }
	| { kind: "typing" }
	| { kind: "delete"; seq: number }
	| { kind: "edit"; seq: number; text: string }
	| { kind: "react"; seq: number; emoji: string };

export function effectOf(frame: ClientFrame): FrameEffect {
	switch (frame.type) {
		case "send": {
			// The frame's schema let through only the draft's fields: all of them are the draft.
			const { type: _type, ...draft } = frame;
			return { kind: "post", draft, ...(frame.clientId !== undefined && { clientId: frame.clientId }) };
		}
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
		case "created":
			return null;
		case "refused":
			return errorFrameOfRefusal(outcome, clientId);
		case "duplicate":
			return { type: "message", message: outcome.message };
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
export function replyToChange(outcome: EditAnswer | ReactAnswer | DeleteAnswer): ServerFrame | null {
	return outcome.kind === "refused" ? errorFrameOfRefusal(outcome) : null;
}
