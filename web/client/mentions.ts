import type { ChatMessage } from "../../worker/protocol/index.ts";
import type { ClientMessage } from "./client-types.ts";

/**
 * The message as the client hands it on: with `mentionsMe: true` when `userId` is among the users
 * it mentions, so an app can highlight or notify without comparing ids itself.
 */
export function markMentions(message: ChatMessage, userId: string | undefined): ClientMessage {
	if (userId === undefined || !message.mentions?.includes(userId)) return message;
	return { ...message, mentionsMe: true };
}
