import type { ServerFrame } from "../protocol";
import type { Change } from "../sequencer/sequencer";

/**
 * The one frame that brings a client up to date with a message changed while it was away: its
 * latest state once. A deletion wins; an edit carries the reactions too; otherwise the reactions.
 */
export function changeFrameOf({ message, rev }: Change): ServerFrame {
	if (message.deleted) return { type: "deleted", seq: message.seq, rev };
	if (message.editedAt !== undefined) return { type: "edited", message, rev };
	return { type: "reactions", seq: message.seq, reactions: message.reactions ?? [], rev };
}
