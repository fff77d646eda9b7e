import type { ChatMessage } from "../protocol";

/** Client ids remembered per relay-only chat, where the log cannot answer "seen this before?". */
const remembered = 10_000;

/**
 * The sends a chat without history relayed, by (user, clientId): a retry gets its original back
 * instead of a second copy. Memory only, and bounded: the oldest are forgotten first.
 */
export class RelayedSends {
	private readonly sends = new Map<string, ChatMessage>();

	find(userId: string, clientId: string): ChatMessage | null {
		return this.sends.get(keyOf(userId, clientId)) ?? null;
	}

	remember(userId: string, clientId: string, message: ChatMessage): void {
		this.sends.set(keyOf(userId, clientId), message);
		if (this.sends.size > remembered) {
			const oldest = this.sends.keys().next().value;
			if (oldest !== undefined) this.sends.delete(oldest);
		}
	}
}

function keyOf(userId: string, clientId: string): string {
	return `${userId}\u0000${clientId}`;
}
