import { z } from "zod";
import { role, visibility } from "./fields";

/** Someone in a chat. The id is stable for as long as the user keeps refreshing their token. */
export const userRef = z.object({ id: z.string(), name: z.string() });

export const reactionCount = z.object({ emoji: z.string(), count: z.number().int() });

export const sessionUser = userRef.extend({ role });

/**
 * The message a reply answers, as it was when the reply was sent: enough for a client to draw the
 * quote without another request. Once the original is deleted: `deleted: true` and no `text`.
 */
export const replyRef = z.object({
	seq: z.number().int(),
	user: userRef,
	/** The original's first 120 characters (code points); absent once it is deleted. */
	text: z.string().optional(),
	deleted: z.literal(true).optional(),
});

/** The image types a chat takes, recognised from the bytes themselves. */
export const imageTypes = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;
export const imageType = z.enum(imageTypes);

/** An uploaded file as a message carries it: enough to lay out a thumbnail before it loads. */
export const fileInfo = z.object({
	/** Fetch it with GET /api/chats/{chatId}/files/{id}. */
	id: z.string(),
	/** What its bytes are (never the type it was declared as, were they to differ: they may not). */
	type: imageType,
	/** In bytes. */
	size: z.number().int(),
	/** In pixels, from the image's own header. */
	width: z.number().int(),
	height: z.number().int(),
});

export const chatMessage = z.object({
	/** Position in the chat's log: starts at 1, strictly increasing, never reused. */
	seq: z.number().int(),
	id: z.string(),
	user: userRef,
	/** Empty once an owner has deleted the message. */
	text: z.string(),
	/** Epoch milliseconds, server clock. */
	ts: z.number().int(),
	clientId: z.string().optional(),
	deleted: z.literal(true).optional(),
	/** Epoch ms of the latest edit; absent if never edited. */
	editedAt: z.number().int().optional(),
	/** Reactions with their counts, in the order first given; absent when there are none. */
	reactions: z.array(reactionCount).optional(),
	/** The message this one answers; absent when it answers none. */
	replyTo: replyRef.optional(),
	/** Ids of the chat's users it mentions, in the order the sender gave, without repeats; absent when none. */
	mentions: z.array(z.string()).optional(),
	/** The files it carries (images), in the order the sender gave; absent when none (and once deleted). */
	attachments: z.array(fileInfo).optional(),
});

export const chatSettings = z.object({
	id: z.string(),
	name: z.string(),
	visibility,
	/** false: messages are relayed live and never stored. */
	history: z.boolean(),
	/** Present when on: members may send one message per this many seconds. */
	slowModeSeconds: z.number().int().optional(),
	/** Present when on: only the owner and moderators post. */
	readOnly: z.literal(true).optional(),
});

export const chatInfo = chatSettings.extend({
	owner: z.string().nullable(),
	createdAt: z.number().int(),
});

export type Visibility = z.infer<typeof visibility>;
export type Role = z.infer<typeof role>;
export type UserRef = z.infer<typeof userRef>;
export type SessionUser = z.infer<typeof sessionUser>;
export type ChatMessage = z.infer<typeof chatMessage>;
export type ReactionCount = z.infer<typeof reactionCount>;
export type ReplyRef = z.infer<typeof replyRef>;
export type ImageType = z.infer<typeof imageType>;
export type FileInfo = z.infer<typeof fileInfo>;
export type ChatSettings = z.infer<typeof chatSettings>;
export type ChatInfo = z.infer<typeof chatInfo>;
