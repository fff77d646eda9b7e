import type { Context } from "hono";
import { hasApiKey } from "../auth/api-keys";
import { refreshGraceMs, type TokenClaims, verifyToken } from "../auth/tokens";
import { readSettings } from "../config";
import type { Role, SessionUser } from "../protocol";
import { ApiError } from "../protocol";
import { chatNotFound } from "../refusals";
import { roomStub } from "../routing/room-stub";
import type { RoomInit } from "../sequencer/room-record";
import { presentedKey } from "./chat-key";
import { chatRecord, roleForKey } from "./chat-records";

export type AppEnv = { Bindings: Env };
type AppContext = Context<AppEnv>;

export { roomStub };

export interface ChatAccess {
	chat: RoomInit;
	/** The role the given key grants, or null for no key or a wrong one. */
	keyRole: Role | null;
}

export function bearerToken(c: AppContext): string | null {
	return bearerOf(c.req.raw.headers);
}

export function bearerOf(headers: Headers): string | null {
	const match = headers.get("Authorization")?.match(/^Bearer\s+(\S+)$/i);
	return match?.[1] ?? null;
}

/** A valid, unexpired token for this chat, or a 401 that says what is wrong with it. */
export function requireToken(c: AppContext, id: string, token: string | null): Promise<TokenClaims> {
	return requireTokenOf(c.env, id, token);
}

export async function requireTokenOf(env: Env, id: string, token: string | null): Promise<TokenClaims> {
	if (token === null)
		throw new ApiError(401, "unauthorized", "A join token is required (Authorization: Bearer <token>)");
	const check = await verifyToken(env.TOKEN_SECRET, token);
	if (!check.ok) {
		throw new ApiError(
			401,
			"unauthorized",
			check.reason === "expired" ? "The token has expired" : "The token is invalid",
		);
	}
	if (check.claims.chatId !== id) throw new ApiError(401, "unauthorized", "The token is for another chat");
	return check.claims;
}

/**
 * A previous token of this chat presented for a refresh, expired or not; null when none was sent.
 * Its session must be younger than the absolute bound, or a stolen token could be refreshed forever.
 */
export async function previousToken(c: AppContext, id: string): Promise<TokenClaims | null> {
	const token = bearerToken(c);
	if (token === null) return null;
	const check = await verifyToken(c.env.TOKEN_SECRET, token, refreshGraceMs);
	if (!check.ok || check.claims.chatId !== id) {
		throw new ApiError(401, "unauthorized", "The previous token is invalid, too old, or for another chat");
	}
	const { sessionMaxAgeMs } = readSettings(c.env);
	if (Date.now() - check.claims.sessionStartedAt >= sessionMaxAgeMs) {
		throw new ApiError(
			401,
			"unauthorized",
			`The session began more than ${duration(sessionMaxAgeMs)} ago and cannot be refreshed any more; join again without the old token`,
		);
	}
	return check.claims;
}

/**
 * Who may read a chat's details and history: anyone for a public chat; for a private one, only
 * with its invite or owner key, a token for it or an API key. Everyone else is told the chat does not exist.
 */
export async function readAccess(
	c: AppContext,
	id: string,
	keyInQuery: string | undefined,
): Promise<ChatAccess> {
	const key = presentedKey(c, keyInQuery);
	const chat = await chatRecord(c.env, id);
	if (!chat) throw chatNotFound();
	// A server API key acts as the owner of every chat.
	if (await hasApiKey(c)) return { chat, keyRole: "owner" };
	const keyRole = await checkKey(chat, key);
	if (chat.visibility === "private" && keyRole === null) {
		const token = bearerToken(c);
		if (token === null) throw chatNotFound();
		await requireToken(c, id, token);
	}
	return { chat, keyRole };
}

/**
 * The role a key grants (null without a key). A wrong key is refused: with 404 on a private chat,
 * which must stay invisible, and with 403 on a public one.
 */
export async function checkKey(chat: RoomInit, key: string | undefined): Promise<Role | null> {
	const keyRole = await roleForKey(chat, key);
	if (key === undefined || keyRole !== null) return keyRole;
	if (chat.visibility === "private") throw chatNotFound();
	throw new ApiError(403, "forbidden", "The key does not match this chat");
}

/** "30 days", "2 hours", "90 seconds": the largest unit that divides evenly enough to read. */
function duration(ms: number): string {
	const units: Array<[string, number]> = [
		["day", 86_400_000],
		["hour", 3_600_000],
		["minute", 60_000],
	];
	for (const [unit, size] of units) {
		const count = Math.round(ms / size);
		if (count >= 1 && Math.abs(count * size - ms) < size / 10)
			return `${count} ${unit}${count === 1 ? "" : "s"}`;
	}
	const seconds = Math.round(ms / 1000);
	return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

/**
 * Who acts in a chat: a backend with an API key acts as its owner, under an id no user can have
 * (edgechat's own ids and a backend's ids never contain "@"); anyone else with a token of the chat.
 */
export async function actingUser(c: AppContext, id: string): Promise<SessionUser> {
	if (await hasApiKey(c)) return backendActor;
	return (await requireToken(c, id, bearerToken(c))).user;
}

export const backendActor: SessionUser = { id: "@api", name: "API", role: "owner" };
