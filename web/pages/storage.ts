import type { IssuedToken } from "../../worker/protocol/index.ts";

/**
 * What this browser remembers between visits, in localStorage. Every access is guarded: storage
 * can be disabled or partitioned (private windows, third-party iframes), and the chat must still
 * work, only without memory.
 */
const prefix = "edgechat:";

function read(key: string): string | null {
	try {
		return localStorage.getItem(prefix + key);
	} catch {
		return null;
	}
}

function write(key: string, value: string): void {
	try {
		localStorage.setItem(prefix + key, value);
	} catch {
		// Storage full or unavailable: the page works without remembering.
	}
}

function readJson(key: string): unknown {
	const raw = read(key);
	if (raw === null) return null;
	try {
		return JSON.parse(raw);
	} catch {
		return null;
	}
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null;
}

function optionalString(value: unknown): string | undefined {
	return typeof value === "string" && value.length > 0 ? value : undefined;
}

export function rememberedName(): string {
	return read("name") ?? "";
}

export function rememberName(name: string): void {
	write("name", name);
}

/** Keys for one chat: the owner key (kept by whoever created it) and the invite key. */
export interface ChatKeys {
	ownerKey?: string;
	inviteKey?: string;
	/** The chat's name, for the lobby's list of chats created here. */
	name?: string;
}

export function chatKeys(chatId: string): ChatKeys {
	const value = readJson(`keys:${chatId}`);
	if (!isRecord(value)) return {};
	const keys: ChatKeys = {};
	const ownerKey = optionalString(value.ownerKey);
	const inviteKey = optionalString(value.inviteKey);
	const name = optionalString(value.name);
	if (ownerKey) keys.ownerKey = ownerKey;
	if (inviteKey) keys.inviteKey = inviteKey;
	if (name) keys.name = name;
	return keys;
}

export function rememberChatKeys(chatId: string, keys: ChatKeys): void {
	write(`keys:${chatId}`, JSON.stringify({ ...chatKeys(chatId), ...keys }));
	if (keys.ownerKey) {
		const owned = ownedChatIds().filter((id) => id !== chatId);
		write("owned", JSON.stringify([chatId, ...owned].slice(0, 50)));
	}
}

function ownedChatIds(): string[] {
	const value = readJson("owned");
	return Array.isArray(value) ? value.filter((id): id is string => typeof id === "string") : [];
}

/** Chats created in this browser, newest first. */
export function ownedChats(): { id: string; name: string; private: boolean }[] {
	return ownedChatIds().map((id) => {
		const keys = chatKeys(id);
		return { id, name: keys.name ?? id, private: keys.inviteKey !== undefined };
	});
}

/** The last token for a chat, so a reload keeps the same identity (it is refreshed, not reused blindly). */
export function savedToken(chatId: string): IssuedToken | null {
	const value = readJson(`token:${chatId}`);
	if (!isRecord(value) || !isRecord(value.user)) return null;
	const { token, expiresAt, user } = value;
	const { id, name, role } = user;
	if (typeof token !== "string" || typeof expiresAt !== "number") return null;
	if (typeof id !== "string" || typeof name !== "string") return null;
	if (role !== "owner" && role !== "member") return null;
	return { token, expiresAt, user: { id, name, role } };
}

export function saveToken(chatId: string, token: IssuedToken): void {
	write(`token:${chatId}`, JSON.stringify(token));
}

/** A message written here that the server had not acknowledged when the page was left. */
export interface StoredSend {
	clientId: string;
	text: string;
	createdAt: number;
	/** What it carried besides its text: it goes out again with them. */
	attachments?: string[];
	replyTo?: number;
	mentions?: string[];
}

/** Unsent messages of one chat, so a reload before the link returns loses nothing. */
export function savedOutbox(chatId: string): StoredSend[] {
	const value = readJson(`outbox:${chatId}`);
	if (!Array.isArray(value)) return [];
	const sends: StoredSend[] = [];
	for (const entry of value) {
		if (!isRecord(entry)) continue;
		const { clientId, text, createdAt, attachments, replyTo, mentions } = entry;
		if (typeof clientId !== "string" || typeof text !== "string" || typeof createdAt !== "number") continue;
		sends.push({
			clientId,
			text,
			createdAt,
			...(isStrings(attachments) && { attachments }),
			...(typeof replyTo === "number" && { replyTo }),
			...(isStrings(mentions) && { mentions }),
		});
	}
	return sends;
}

function isStrings(value: unknown): value is string[] {
	return Array.isArray(value) && value.every((item) => typeof item === "string");
}

export function saveOutbox(chatId: string, sends: readonly StoredSend[]): void {
	if (sends.length === 0) {
		try {
			localStorage.removeItem(`${prefix}outbox:${chatId}`);
		} catch {
			// Unavailable storage holds nothing to remove.
		}
		return;
	}
	write(`outbox:${chatId}`, JSON.stringify(sends));
}
