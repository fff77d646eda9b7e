import { settingDefaults } from "../config";
import type { AddressAction, AddressTake } from "./address-limits";

/**
 * Where each per-address limit is counted. Cloudflare's Rate Limiting binding (wrangler.toml
 * `[[ratelimits]]`) counts in the location that serves the request, with no call to a Durable
 * Object; its limit is fixed in wrangler.toml, at the var's default. A var set to any other number
 * is counted by the AddressLimits object instead (a call per request), so that the var still means
 * what it says. test/worker/abuse.test.ts fails if wrangler.toml and these numbers drift apart.
 */
const limiters = {
	chats: { binding: "ADDRESS_CHAT_LIMITER", perMinute: settingDefaults.ADDRESS_CHATS_PER_MINUTE },
	tokens: { binding: "ADDRESS_TOKEN_LIMITER", perMinute: settingDefaults.ADDRESS_TOKENS_PER_MINUTE },
	uploads: { binding: "ADDRESS_UPLOAD_LIMITER", perMinute: settingDefaults.ADDRESS_UPLOADS_PER_MINUTE },
} as const satisfies Record<AddressAction, { binding: keyof Env; perMinute: number }>;

/** The binding's window (`period` in wrangler.toml), in ms. */
const windowMs = 60_000;

/** Takes one `action` from the allowance of the address whose keyed digest is `digest`. */
export async function takeAddressAllowance(
	env: Env,
	action: AddressAction,
	digest: string,
	perMinute: number,
): Promise<AddressTake> {
	const limiter = limiters[action];
	if (perMinute !== limiter.perMinute) {
		return env.ADDRESS_LIMITS.get(env.ADDRESS_LIMITS.idFromName(digest)).take(action, perMinute);
	}
	const { success } = await env[limiter.binding].limit({ key: digest });
	if (success) return { allowed: true };
	// The binding answers yes or no, not when. It counts in fixed windows of `period` seconds (the
	// local runtime's start on the clock's minute), so the wait is at most the rest of this one.
	return { allowed: false, retryAfterMs: windowMs - (Date.now() % windowMs) };
}
