import { z } from "zod";
import {
	attachments,
	clientId,
	contentRule,
	emoji,
	hasContent,
	mentions,
	messageText,
	replyTo,
	sendText,
	seq,
} from "./fields";

/**
 * WebSocket frames are JSON text with a `type` tag. The literal text frame `ping` is answered
 * with the literal text `pong` by the runtime itself, without waking the room.
 */
export const PING = "ping";
export const PONG = "pong";

export const sendFrame = z
	.object({
		type: z.literal("send"),
		text: sendText,
		clientId: clientId.optional(),
		replyTo: replyTo.optional(),
		mentions: mentions.optional(),
		attachments: attachments.optional(),
	})
	.refine(hasContent, contentRule);

export const typingFrame = z.object({ type: z.literal("typing") });

/** Your own message, or anyone's for the owner and moderators: remove its text from the log. */
export const deleteFrame = z.object({ type: z.literal("delete"), seq });

/** Replace the text of your own message. */
export const editFrame = z.object({ type: z.literal("edit"), seq, text: messageText });

/** Toggle your reaction with this emoji on a message. */
export const reactFrame = z.object({ type: z.literal("react"), seq, emoji });

export const clientFrame = z.discriminatedUnion("type", [
	sendFrame,
	typingFrame,
	deleteFrame,
	editFrame,
	reactFrame,
]);

export type SendFrame = z.infer<typeof sendFrame>;
export type ClientFrame = z.infer<typeof clientFrame>;
