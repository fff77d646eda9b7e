import { base64urlOfBytes } from "./base64url";
import { requireSecret, signingKey } from "./tokens";

const encoder = new TextEncoder();

/** The header Cloudflare sets to the client's address (locally a client may send it itself). */
export const addressHeader = "CF-Connecting-IP";

/**
 * 127.0.0.0/8 and ::1, as a local runtime writes them (also 0:0:0:0:0:0:0:1 and an IPv4-mapped
 * ::ffff:127.x.y.z). Cloudflare never sets CF-Connecting-IP to a loopback address, so only a
 * client on the same machine as a local runtime (`npm start`, the tests, the bench) has one.
 */
const loopback = /^(?:127(?:\.\d{1,3}){3}|::1|::ffff:127(?:\.\d{1,3}){3}|(?:0{1,4}:){7}0{0,3}1)$/i;

export function isLoopback(address: string | null | undefined): boolean {
	return address !== null && address !== undefined && loopback.test(address.trim());
}

/**
 * Digests this isolate computed lately, by address, for the secret they were made with: a join
 * storm comes from few networks (an event's venue, a mobile carrier's gateways), and every join
 * would otherwise sign again what it signed a moment ago.
 */
let recent = { secret: "", digests: new Map<string, string>() };
const digestsKept = 10_000;

/**
 * A keyed digest of a network address (HMAC-SHA256 with TOKEN_SECRET, base64url), so that a ban
 * can refuse new identities from an address without the address ever being stored: without the
 * secret, a digest cannot be turned back into an address by trying all 2^32 of them.
 */
export async function addressDigest(secret: string | undefined, address: string | null | undefined) {
	const value = address?.trim();
	if (!value) return null;
	const key = requireSecret(secret);
	if (recent.secret !== key) recent = { secret: key, digests: new Map() };
	const { digests } = recent;
	const known = digests.get(value);
	if (known !== undefined) return known;
	// The tokens' key: the `address:` prefix keeps these digests apart from anything it signs.
	const mac = await crypto.subtle.sign("HMAC", await signingKey(key), encoder.encode(`address:${value}`));
	const digest = base64urlOfBytes(new Uint8Array(mac));
	if (digests.size >= digestsKept) digests.clear();
	digests.set(value, digest);
	return digest;
}
