import { describe, expect, it } from "vitest";
import { addressDigest } from "../../worker/auth/address";

const secret = "a-secret-of-at-least-thirty-two-characters";

/** HMAC-SHA256 of `address:<address>` under the secret, base64url without padding, computed apart. */
async function expected(address: string, key = secret): Promise<string> {
	const imported = await crypto.subtle.importKey(
		"raw",
		new TextEncoder().encode(key),
		{ name: "HMAC", hash: "SHA-256" },
		false,
		["sign"],
	);
	const mac = new Uint8Array(
		await crypto.subtle.sign("HMAC", imported, new TextEncoder().encode(`address:${address}`)),
	);
	return btoa(String.fromCharCode(...mac))
		.replaceAll("+", "-")
		.replaceAll("/", "_")
		.replace(/=+$/, "");
}

describe("address digests", () => {
	it("are the keyed HMAC of the address, the same when remembered, and change with the secret", async () => {
		expect(await addressDigest(secret, " 203.0.113.9 ")).toBe(await expected("203.0.113.9"));
		expect(await addressDigest(secret, "203.0.113.9")).toBe(await expected("203.0.113.9"));
		expect(await addressDigest(secret, "2001:db8::1")).toBe(await expected("2001:db8::1"));
		const other = `${secret}-rotated`;
		expect(await addressDigest(other, "203.0.113.9")).toBe(await expected("203.0.113.9", other));
		expect(await addressDigest(secret, "")).toBeNull();
		expect(await addressDigest(secret, undefined)).toBeNull();
	});
});
