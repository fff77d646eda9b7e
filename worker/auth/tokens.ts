import { verify } from "hono/jwt";
import { ApiError, type IssuedToken, isRole, type SessionUser } from "../protocol";
import { signHs256 } from "./hs256";

/** What a join token proves: this user, with this role, in this chat, until `expiresAt`. */
export interface TokenClaims {
	chatId: string;
	user: SessionUser;
	expiresAt: number;
	/**
	 * When the chain of refreshes this token belongs to began (epoch ms; claim `sat`). Kept across
	 * refreshes, so a session, however often refreshed, ends after `SESSION_MAX_AGE_SECONDS`.
	 */
	sessionStartedAt: number;
}

/** What to sign: a token without `sessionStartedAt` begins a new session now. */
export type NewTokenClaims = Omit<TokenClaims, "sessionStartedAt"> & { sessionStartedAt?: number };

/**
 * A previous token may be traded for a new one for this long after it expired (same user id),
 * and only while its session is younger than `SESSION_MAX_AGE_SECONDS`.
 */
export const refreshGraceMs = 7 * 24 * 3600 * 1000;

export const minimumSecretLength = 32;

/**
 * The signing secret must come from the environment. Refusing a missing or short one (a clear 500)
 * is better than signing with an empty or guessable key that anyone could forge.
 */
export function requireSecret(secret: string | undefined): string {
	if (!secret || secret.length < minimumSecretLength) {
		throw new ApiError(
			500,
			"server_misconfigured",
			`TOKEN_SECRET is not set or shorter than ${minimumSecretLength} characters; set it with \`wrangler secret put TOKEN_SECRET\``,
		);
	}
	return secret;
}

/**
 * The HMAC key, imported once per isolate rather than on every sign and verify: every join passes
 * through both, and importing is a native allocation the runtime keeps until GC. Remembered with
 * its secret, so a rotated secret takes effect at once.
 */
let importedKey: { secret: string; key: Promise<CryptoKey> } | null = null;

export function signingKey(secret: string): Promise<CryptoKey> {
	if (importedKey?.secret !== secret) {
		const key = crypto.subtle.importKey(
			"raw",
			new TextEncoder().encode(secret),
			{ name: "HMAC", hash: "SHA-256" },
			false,
			["sign", "verify"],
		);
		importedKey = { secret, key };
	}
	return importedKey.key;
}

export async function issueToken(secret: string, claims: NewTokenClaims): Promise<string> {
	const now = Date.now();
	return signHs256(
		{
			sub: claims.user.id,
			name: claims.user.name,
			role: claims.user.role,
			chat: claims.chatId,
			iat: Math.floor(now / 1000),
			exp: Math.floor(claims.expiresAt / 1000),
			sat: Math.floor((claims.sessionStartedAt ?? now) / 1000),
		},
		await signingKey(requireSecret(secret)),
	);
}

/**
 * A token of a session, as the token route and a join by name hand it out: it expires after the
 * token's lifetime, and never after its session's end (`sessionStartedAt`, now for a new session).
 */
export async function issueSessionToken(
	secret: string,
	chatId: string,
	user: SessionUser,
	lifetimes: { tokenTtlMs: number; sessionMaxAgeMs: number },
	sessionStartedAt = Date.now(),
): Promise<IssuedToken> {
	const expiresAt = Math.min(Date.now() + lifetimes.tokenTtlMs, sessionStartedAt + lifetimes.sessionMaxAgeMs);
	const token = await issueToken(secret, { chatId, user, expiresAt, sessionStartedAt });
	return { token, expiresAt, user };
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: "invalid" | "expired" };

/** Verifies signature and expiry. With `allowExpiredFor`, a recently expired token still passes. */
export async function verifyToken(
	secret: string | undefined,
	token: string,
	allowExpiredFor = 0,
): Promise<TokenCheck> {
	const key = await signingKey(requireSecret(secret));
	let payload: Record<string, unknown>;
	try {
		// Expiry is checked below instead, so that a refresh can accept a recently expired token.
		payload = await verify(token, key, { alg: "HS256", exp: false });
	} catch {
		return { ok: false, reason: "invalid" };
	}
	const claims = readClaims(payload);
	if (!claims) return { ok: false, reason: "invalid" };
	if (claims.expiresAt + allowExpiredFor <= Date.now()) return { ok: false, reason: "expired" };
	return { ok: true, claims };
}

function readClaims(payload: Record<string, unknown>): TokenClaims | null {
	const { sub, name, role, chat, exp, iat, sat } = payload;
	if (typeof sub !== "string" || typeof name !== "string" || typeof chat !== "string") return null;
	if (typeof exp !== "number" || !isRole(role)) return null;
	// Tokens signed before `sat` existed: their session began no later than they were issued.
	const started = typeof sat === "number" ? sat : typeof iat === "number" ? iat : null;
	if (started === null) return null;
	return {
		chatId: chat,
		user: { id: sub, name, role },
		expiresAt: exp * 1000,
		sessionStartedAt: started * 1000,
	};
}
