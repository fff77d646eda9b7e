import { z } from "zod";
import { clientId, messageText, seq } from "./fields";

/**
 * WebSocket frames are JSON text with a `type` tag. The literal text frame `ping` is answered
 * with the literal text `pong` by the runtime itself, without waking the room.
 */
export const PING = "ping";
export const PONG = "pong";

export const sendFrame = z.object({
	type: z.literal("send"),
	text: messageText,
	clientId: clientId.optional(),
});

export const typingFrame = z.object({ type: z.literal("typing") });

/** Owners only: remove a message's text from the log. */
export const deleteFrame = z.object({ type: z.literal("delete"), seq });

export const clientFrame = z.discriminatedUnion("type", [sendFrame, typingFrame, deleteFrame]);

export type SendFrame = z.infer<typeof sendFrame>;
export type ClientFrame = z.infer<typeof clientFrame>;
