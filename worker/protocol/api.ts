import { z } from "zod";
import {
	attachments,
	chatName,
	clientId,
	contentRule,
	externalUserId,
	hasContent,
	mentions,
	messageText,
	replyTo,
	role,
	sendText,
	userName,
	visibility,
} from "./fields";
import { limits } from "./limits";
import { locationHint } from "./location-hints";
import { chatInfo, chatMessage, fileInfo, reactionCount, sessionUser, userRef } from "./models";
import { characterCount } from "./text";

/** Owners only: what may change after creation (history may not: it decides what was stored). */
export const updateChatBody = z.object({
	name: chatName.optional(),
	visibility: visibility.optional(),
	/** 0 turns slow mode off; at most an hour. */
	slowModeSeconds: z.number().int().min(0).max(3600).optional(),
	readOnly: z.boolean().optional(),
});

export const rotateKeyBody = z.object({ which: z.enum(["invite", "owner"]) });

/** A new key, shown once; the old one stops working at once. */
export const rotatedKey = z.object({ which: z.enum(["invite", "owner"]), key: z.string() });

export type UpdateChatRequest = z.input<typeof updateChatBody>;
export type RotateKeyRequest = z.input<typeof rotateKeyBody>;
export type RotatedKey = z.infer<typeof rotatedKey>;

export const createChatBody = z.object({
	name: chatName,
	visibility: visibility.default("public"),
	history: z.boolean().default(true),
	owner: userName.optional(),
	/** The region to create the chat's root in; without it, the root starts where this request is served. */
	locationHint: locationHint.optional(),
});

/** A user a backend names itself (with an API key): its own stable id and a display name. */
export const externalUser = z.object({ id: externalUserId, name: userName });

export const tokenBody = z.object({
	/** Required without an API key: the display name of a new (or refreshed) user. */
	name: userName.optional(),
	/** The chat's inviteKey or ownerKey. */
	key: z.string().max(200).optional(),
	/** With an API key only: the backend's own user, whose id the token carries as it is. */
	user: externalUser.optional(),
	/** With an API key only; `member` by default. */
	role: role.optional(),
});

export const postMessageBody = z
	.object({
		text: sendText,
		clientId: clientId.optional(),
		replyTo: replyTo.optional(),
		mentions: mentions.optional(),
		attachments: attachments.optional(),
		/** With an API key only (and then required): who the message is from. */
		user: externalUser.optional(),
	})
	.refine(hasContent, contentRule);

/** An upload's answer: the file as messages will carry it. */
export const uploadedFile = z.object({ file: fileInfo });

export const presenceList = z.object({
	/** Who is online: at most `limits.presenceApiMax` (1,000) users; `count` is exact. */
	online: z.array(userRef),
	/** Exact number of users online in the whole chat. */
	count: z.number().int(),
});

const cursor = z.coerce.number().int().nonnegative();

export const historyQuery = z.object({
	before: cursor.optional(),
	after: cursor.optional(),
	limit: z.coerce.number().int().min(1).max(limits.historyPageMax).default(limits.historyPageDefault),
});

/** A search's text is what to find, never a query language (see docs/API.md). */
export const searchQuery = z.object({
	q: z
		.string()
		.refine((text) => text.trim().length > 0, { message: "must not be blank", abort: true })
		.refine((text) => characterCount(text) <= limits.searchTextMax, {
			message: `must be at most ${limits.searchTextMax} characters`,
		}),
	before: cursor.optional(),
	limit: z.coerce.number().int().min(1).max(limits.searchPageMax).default(limits.searchPageDefault),
});

export type CreateChatRequest = z.input<typeof createChatBody>;
export type TokenRequest = z.input<typeof tokenBody>;
export type PostMessageRequest = z.input<typeof postMessageBody>;
export type HistoryQuery = z.infer<typeof historyQuery>;
export type SearchQuery = z.infer<typeof searchQuery>;

export const createdChat = chatInfo.extend({
	/** Secret, shown once: grants the owner role. */
	ownerKey: z.string(),
	/** Secret, shown once, private chats only: lets people join. */
	inviteKey: z.string().optional(),
	/** As it was asked for. */
	locationHint: locationHint.optional(),
});

export const chatWithConnections = chatInfo.extend({
	connections: z.number().int(),
	/** Present when the chat was created with one. */
	locationHint: locationHint.optional(),
});

export const chatListEntry = chatInfo
	.pick({ id: true, name: true, owner: true, createdAt: true })
	.extend({ connections: z.number().int() });

export const chatList = z.object({ chats: z.array(chatListEntry) });

export const issuedToken = z.object({
	token: z.string(),
	/** Epoch milliseconds. */
	expiresAt: z.number().int(),
	user: sessionUser,
});

export const historyPage = z.object({
	messages: z.array(chatMessage),
	/** More messages exist beyond this page in the direction being read. */
	hasMore: z.boolean(),
});

/** Messages holding every word of `q`, newest first, each shaped as in history. */
export const searchPage = z.object({
	messages: z.array(chatMessage),
	/** Older results exist: ask again with `before` set to the last message's seq. */
	hasMore: z.boolean(),
});

export const postedMessage = z.object({ message: chatMessage });

export const editMessageBody = z.object({ text: messageText });

export const messageReactions = z.object({
	seq: z.number().int(),
	reactions: z.array(reactionCount),
	/** The chat's change counter after this change. */
	rev: z.number().int(),
});

export type EditMessageRequest = z.input<typeof editMessageBody>;
export type MessageReactions = z.infer<typeof messageReactions>;

export type CreatedChat = z.infer<typeof createdChat>;
export type ChatWithConnections = z.infer<typeof chatWithConnections>;
export type ChatListEntry = z.infer<typeof chatListEntry>;
export type ChatList = z.infer<typeof chatList>;
export type IssuedToken = z.infer<typeof issuedToken>;
export type HistoryPage = z.infer<typeof historyPage>;
export type PostedMessage = z.infer<typeof postedMessage>;
export type SearchPage = z.infer<typeof searchPage>;
export type PresenceList = z.infer<typeof presenceList>;
export type UploadedFile = z.infer<typeof uploadedFile>;
