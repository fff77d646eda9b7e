import { z } from "zod";
import { chatName, clientId, messageText, userName, visibility } from "./fields";
import { limits } from "./limits";
import type { ChatInfo, ChatMessage, SessionUser } from "./models";

export const createChatBody = z.object({
	name: chatName,
	visibility: visibility.default("public"),
	history: z.boolean().default(true),
	owner: userName.optional(),
});

export const tokenBody = z.object({
	name: userName,
	/** The chat's inviteKey or ownerKey. */
	key: z.string().max(200).optional(),
});

export const postMessageBody = z.object({
	text: messageText,
	clientId: clientId.optional(),
});

const cursor = z.coerce.number().int().nonnegative();

export const historyQuery = z.object({
	before: cursor.optional(),
	after: cursor.optional(),
	limit: z.coerce.number().int().min(1).max(limits.historyPageMax).default(limits.historyPageDefault),
});

export type CreateChatRequest = z.input<typeof createChatBody>;
export type TokenRequest = z.input<typeof tokenBody>;
export type PostMessageRequest = z.input<typeof postMessageBody>;
export type HistoryQuery = z.infer<typeof historyQuery>;

export interface CreatedChat extends ChatInfo {
	/** Secret, shown once: grants the owner role. */
	ownerKey: string;
	/** Secret, shown once, private chats only: lets people join. */
	inviteKey?: string;
}

export interface ChatWithConnections extends ChatInfo {
	connections: number;
}

export interface ChatListEntry {
	id: string;
	name: string;
	owner: string | null;
	connections: number;
	createdAt: number;
}

export interface ChatList {
	chats: ChatListEntry[];
}

export interface IssuedToken {
	token: string;
	/** Epoch milliseconds. */
	expiresAt: number;
	user: SessionUser;
}

export interface HistoryPage {
	messages: ChatMessage[];
	/** More messages exist beyond this page in the direction being read. */
	hasMore: boolean;
}

export interface PostedMessage {
	message: ChatMessage;
}
