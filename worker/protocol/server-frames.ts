// zod/mini: the browser client reads every frame with these schemas, and the mini build keeps
// its bundle small (the Worker's schemas are zod classic, which its OpenAPI document needs).
import * as z from "zod/mini";
import { type ErrorCode, errorCodes } from "./error-codes";
import type * as models from "./models";

// The models as they travel in frames. models.ts defines them for the Worker; the checks at the
// end of this file fail the type check if the two ever describe different shapes.
const userRef = z.object({ id: z.string(), name: z.string() });
const reactionCount = z.object({ emoji: z.string(), count: z.int() });
const sessionUser = z.extend(userRef, { role: z.enum(["owner", "moderator", "member"]) });
const replyRef = z.object({
	seq: z.int(),
	user: userRef,
	text: z.optional(z.string()),
	deleted: z.optional(z.literal(true)),
});
const fileInfo = z.object({
	id: z.string(),
	type: z.enum(["image/png", "image/jpeg", "image/gif", "image/webp"]),
	size: z.int(),
	width: z.int(),
	height: z.int(),
});
const chatMessage = z.object({
	seq: z.int(),
	id: z.string(),
	user: userRef,
	text: z.string(),
	ts: z.int(),
	clientId: z.optional(z.string()),
	deleted: z.optional(z.literal(true)),
	editedAt: z.optional(z.int()),
	reactions: z.optional(z.array(reactionCount)),
	replyTo: z.optional(replyRef),
	mentions: z.optional(z.array(z.string())),
	attachments: z.optional(z.array(fileInfo)),
});
const chatSettings = z.object({
	id: z.string(),
	name: z.string(),
	visibility: z.enum(["public", "private"]),
	history: z.boolean(),
	slowModeSeconds: z.optional(z.int()),
	readOnly: z.optional(z.literal(true)),
});

/** What a reconnecting client (`since`) was sent; see docs/API.md for a gap over the cap. */
export const replaySummary = z.object({
	since: z.int(),
	/** Stored messages with seq > since. */
	missed: z.int(),
	/** Replayed right after `ready`: the newest `replayed` of the missed ones, in order. */
	replayed: z.int(),
	/** Seq of the first replayed message; missed messages below it are paged over HTTP. */
	firstSeq: z.nullable(z.int()),
});

export const readyFrame = z.object({
	type: z.literal("ready"),
	user: sessionUser,
	chat: chatSettings,
	/** Who is online, at most `limits.onlineListMax` of them. */
	online: z.array(userRef),
	onlineCount: z.int(),
	/** Seq of the newest message, 0 in an empty chat. */
	lastSeq: z.int(),
	/**
	 * The chat's change counter: every new message, edit, deletion and reaction moves it on. A
	 * client resuming with `?since=SEQ&rev=REV` also gets each message changed after REV.
	 */
	rev: z.int(),
	replay: z.optional(replaySummary),
	/**
	 * Only for a socket that joined by name (subprotocol `edgechat.name.…`, no token): the token it
	 * was issued, shaped as the token request's answer. Reconnect and refresh with it.
	 */
	token: z.optional(z.object({ token: z.string(), expiresAt: z.int(), user: sessionUser })),
});

/** `rev`: the chat's change counter after this change (absent on replayed missed messages). */
export const messageFrame = z.object({
	type: z.literal("message"),
	message: chatMessage,
	rev: z.optional(z.int()),
});

/** A message's new text (its latest state, reactions included). */
export const editedFrame = z.object({ type: z.literal("edited"), message: chatMessage, rev: z.int() });

/** A message's reactions now, with their counts. */
export const reactionsFrame = z.object({
	type: z.literal("reactions"),
	seq: z.int(),
	reactions: z.array(reactionCount),
	rev: z.int(),
});

export const presenceFrame = z.object({
	type: z.literal("presence"),
	joined: z.array(userRef),
	left: z.array(userRef),
	/** Number of users online now. */
	online: z.int(),
	/**
	 * Present only when the window held more joins or leaves than a frame names
	 * (`limits.presenceListMax` of each, `limits.presenceSampleMax` while more than
	 * `limits.onlineListMax` users are online): how many went unnamed. Only large rooms see it.
	 */
	unlisted: z.optional(z.object({ joined: z.int(), left: z.int() })),
});

export const typingNoticeFrame = z.object({ type: z.literal("typing"), user: userRef });

export const deletedFrame = z.object({ type: z.literal("deleted"), seq: z.int(), rev: z.optional(z.int()) });

/** What moderators did, to every socket, so clients can say "X was muted". */
export const moderationActions = ["kicked", "muted", "unmuted", "banned", "unbanned"] as const;
export const moderationFrame = z.object({
	type: z.literal("moderation"),
	action: z.enum(moderationActions),
	user: userRef,
	by: userRef,
	/** Epoch ms when a mute or ban ends by itself; absent: until lifted (or not timed). */
	until: z.optional(z.int()),
	reason: z.optional(z.string()),
});

/** The chat's settings changed (name, visibility, slow mode, read-only). */
export const chatFrame = z.object({ type: z.literal("chat"), chat: chatSettings });

export const errorFrame = z.object({
	type: z.literal("error"),
	code: z.enum(errorCodes),
	message: z.string(),
	/** Set when the error answers a `send` that carried a clientId. */
	clientId: z.optional(z.string()),
	/** Retryable refusals (`rate_limited`): how long to wait before trying again. */
	retryAfterMs: z.optional(z.int()),
});

/** Every frame the server sends; the client and the tests read what they receive with it. */
export const serverFrame = z.discriminatedUnion("type", [
	readyFrame,
	messageFrame,
	presenceFrame,
	typingNoticeFrame,
	deletedFrame,
	editedFrame,
	reactionsFrame,
	moderationFrame,
	chatFrame,
	errorFrame,
]);

export type ReplaySummary = z.infer<typeof replaySummary>;
export type ReadyFrame = z.infer<typeof readyFrame>;
export type MessageFrame = z.infer<typeof messageFrame>;
export type PresenceFrame = z.infer<typeof presenceFrame>;
export type TypingNoticeFrame = z.infer<typeof typingNoticeFrame>;
export type DeletedFrame = z.infer<typeof deletedFrame>;
export type EditedFrame = z.infer<typeof editedFrame>;
export type ReactionsFrame = z.infer<typeof reactionsFrame>;
export type ChatFrame = z.infer<typeof chatFrame>;
export type ModerationFrame = z.infer<typeof moderationFrame>;
export type ModerationAction = ModerationFrame["action"];
export type ErrorFrame = z.infer<typeof errorFrame>;
export type ServerFrame = z.infer<typeof serverFrame>;

/** The one builder of error frames: every refusal over a socket has this shape. */
export function errorFrameOf(code: ErrorCode, message: string, clientId?: string): ErrorFrame {
	const frame: ErrorFrame = { type: "error", code, message };
	if (clientId !== undefined) frame.clientId = clientId;
	return frame;
}

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameModels: [
	Same<z.infer<typeof userRef>, models.UserRef>,
	Same<z.infer<typeof sessionUser>, models.SessionUser>,
	Same<z.infer<typeof chatMessage>, models.ChatMessage>,
	Same<z.infer<typeof chatSettings>, models.ChatSettings>,
	Same<z.infer<typeof fileInfo>, models.FileInfo>,
] = [true, true, true, true, true];
void sameModels;
