import type { FanoutEvent } from "../fanout/fanout-batch";
import type { ServerFrame } from "../protocol";

/**
 * The frame a fan-out event shows sockets, the same on the root and on every shard; null for
 * what only the shards keep (the chat's door).
 */
export function frameOfEvent(event: FanoutEvent): ServerFrame | null {
	switch (event.kind) {
		case "message":
			return { type: "message", message: event.message, ...(event.rev && { rev: event.rev }) };
		case "deleted":
			return { type: "deleted", seq: event.seq, ...(event.rev && { rev: event.rev }) };
		case "edited":
			return { type: "edited", message: event.message, rev: event.rev };
		case "reactions":
			return { type: "reactions", seq: event.seq, reactions: event.reactions, rev: event.rev };
		case "typing":
			return { type: "typing", user: event.user };
		case "presence":
		case "moderation":
			return event.frame;
		case "chat":
			return { type: "chat", chat: event.chat };
		case "door":
			return null;
	}
}

/** Whose sockets skip the event's frame: a typing notice is not sent back to the one typing. */
export function senderOf(event: FanoutEvent): string | undefined {
	return event.kind === "typing" ? event.user.id : undefined;
}
