import type { Context } from "hono";
import { takeAddressAllowance } from "../abuse/address-allowance";
import type { AddressAction } from "../abuse/address-limits";
import { addressDigest, addressHeader, isLoopback } from "../auth/address";
import { readSettings } from "../config";
import { ApiError } from "../protocol";
import type { AppEnv } from "./access";

/**
 * Refuses with 429 (and Retry-After) an address over its limit for `action`. The address is
 * CF-Connecting-IP, which Cloudflare sets; a request without it, or from a loopback address (a
 * client on the machine of a local runtime, which puts 127.0.0.1 on every request), is not
 * limited. Returns the address digest, which the token route also hands to the chat (for bans).
 */
export function limitAddress(c: Context<AppEnv>, action: AddressAction): Promise<string | null> {
	return limitAddressOf(c.env, c.req.raw.headers, action);
}

export async function limitAddressOf(
	env: Env,
	headers: Headers,
	action: AddressAction,
): Promise<string | null> {
	const address = headers.get(addressHeader) ?? undefined;
	const digest = await addressDigest(env.TOKEN_SECRET, address);
	if (digest === null || isLoopback(address)) return digest;
	const settings = readSettings(env);
	const perMinute = {
		chats: settings.addressChatsPerMinute,
		tokens: settings.addressTokensPerMinute,
		uploads: settings.addressUploadsPerMinute,
	}[action];
	const take = await takeAddressAllowance(env, action, digest, perMinute);
	if (!take.allowed) {
		const what = { chats: "chats created", tokens: "tokens issued", uploads: "files uploaded" }[action];
		throw new ApiError(
			429,
			"rate_limited",
			`Too many ${what} from this network address (${perMinute} a minute); try again in ${Math.ceil(take.retryAfterMs / 1000)} s`,
			take.retryAfterMs,
		);
	}
	return digest;
}
