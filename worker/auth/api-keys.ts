import type { Context } from "hono";
import { ApiError } from "../protocol";

/** Header that carries a server API key: a backend acting as the owner of every chat. */
export const apiKeyHeader = "X-API-Key";

const encoder = new TextEncoder();
const keyMaxLength = 200;

/** The configured keys (secret `API_KEYS`, comma-separated); blanks are ignored. */
export function configuredApiKeys(raw: string | undefined): string[] {
	return (raw ?? "")
		.split(",")
		.map((key) => key.trim())
		.filter((key) => key.length > 0);
}

async function digest(value: string): Promise<Uint8Array> {
	return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(value)));
}

/**
 * Whether `presented` is one of the keys. Both sides are hashed first, so that every comparison
 * is of 32 bytes whatever the lengths, and every key is compared (no early exit): neither the
 * timing nor the order of the keys tells anything about them.
 */
export async function isApiKey(presented: string, keys: string[]): Promise<boolean> {
	const candidate = await digest(presented);
	let matched = false;
	for (const key of keys) {
		if (crypto.subtle.timingSafeEqual(candidate, await digest(key))) matched = true;
	}
	return matched;
}

/**
 * True when the request carries a valid `X-API-Key`, false when it carries none. A wrong key is
 * refused with 401 at once (never treated as "no key"), and the key itself appears in no message.
 */
export async function hasApiKey(c: Context<{ Bindings: Env }>): Promise<boolean> {
	const presented = c.req.header(apiKeyHeader);
	if (presented === undefined || presented === "") return false;
	const keys = configuredApiKeys(c.env.API_KEYS);
	if (presented.length > keyMaxLength || keys.length === 0 || !(await isApiKey(presented, keys))) {
		throw new ApiError(401, "unauthorized", `The ${apiKeyHeader} header does not hold a valid API key`);
	}
	return true;
}

/** For endpoints that only a backend may call. */
export async function requireApiKey(c: Context<{ Bindings: Env }>): Promise<void> {
	if (!(await hasApiKey(c))) {
		throw new ApiError(401, "unauthorized", `An API key is required (${apiKeyHeader} header)`);
	}
}
