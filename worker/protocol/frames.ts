import { z } from "zod";
import type { ErrorCode } from "./errors";
import { clientId, messageText, seq } from "./fields";
import type { ChatMessage, ChatSettings, SessionUser, UserRef } from "./models";

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

/** What a reconnecting client (`since`) was sent; see docs/API.md for a gap over the cap. */
export interface ReplaySummary {
	since: number;
	/** Stored messages with seq > since. */
	missed: number;
	/** Replayed right after `ready`: the newest `replayed` of the missed ones, in order. */
	replayed: number;
	/** Seq of the first replayed message; missed messages below it are paged over HTTP. */
	firstSeq: number | null;
}

export interface ReadyFrame {
	type: "ready";
	user: SessionUser;
	chat: ChatSettings;
	/** Who is online, at most `limits.onlineListMax` of them. */
	online: UserRef[];
	onlineCount: number;
	/** Seq of the newest message, 0 in an empty chat. */
	lastSeq: number;
	replay?: ReplaySummary;
}

export interface MessageFrame {
	type: "message";
	message: ChatMessage;
}

export interface PresenceFrame {
	type: "presence";
	joined: UserRef[];
	left: UserRef[];
	/** Number of users online now. */
	online: number;
	/**
	 * Present only when the window held more joins or leaves than a frame names
	 * (`limits.presenceListMax` of each, `limits.presenceSampleMax` while more than
	 * `limits.onlineListMax` users are online): how many went unnamed. Only large rooms see it.
	 */
	unlisted?: { joined: number; left: number };
}

export interface TypingNoticeFrame {
	type: "typing";
	user: UserRef;
}

export interface DeletedFrame {
	type: "deleted";
	seq: number;
}

export interface ErrorFrame {
	type: "error";
	code: ErrorCode;
	message: string;
	/** Set when the error answers a `send` that carried a clientId. */
	clientId?: string;
	/** On retryable errors (`rate_limited`): wait this long, in ms, before sending it again. */
	retryAfterMs?: number;
}

export type ServerFrame =
	| ReadyFrame
	| MessageFrame
	| PresenceFrame
	| TypingNoticeFrame
	| DeletedFrame
	| ErrorFrame;
