import type { Context } from "hono";
import type { AddressAction } from "../abuse/address-limits";
import { addressDigest, addressHeader } from "../auth/address";
import { readSettings } from "../config";
import { ApiError } from "../protocol";
import type { AppEnv } from "./access";

/**
 * Refuses with 429 (and Retry-After) an address over its limit for `action`. The address is
 * CF-Connecting-IP, which Cloudflare sets; a request without it (local tools) is not limited.
 * Returns the address digest, which the token route also hands to the chat.
 */
export async function limitAddress(c: Context<AppEnv>, action: AddressAction): Promise<string | null> {
	const digest = await addressDigest(c.env.TOKEN_SECRET, c.req.header(addressHeader));
	if (digest === null) return null;
	const settings = readSettings(c.env);
	const perMinute = action === "chats" ? settings.addressChatsPerMinute : settings.addressTokensPerMinute;
	const limits = c.env.ADDRESS_LIMITS.get(c.env.ADDRESS_LIMITS.idFromName(digest));
	const take = await limits.take(action, perMinute);
	if (!take.allowed) {
		const what = action === "chats" ? "chats created" : "tokens issued";
		throw new ApiError(
			429,
			"rate_limited",
			`Too many ${what} from this network address (${perMinute} a minute); try again in ${Math.ceil(take.retryAfterMs / 1000)} s`,
			take.retryAfterMs,
		);
	}
	return digest;
}
