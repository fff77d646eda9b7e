import { sign, verify } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { signHs256 } from "../../worker/auth/hs256";

const secret = "a-secret-of-at-least-thirty-two-characters";

async function hmacKey(): Promise<CryptoKey> {
	return crypto.subtle.importKey(
		"raw",
		new TextEncoder().encode(secret),
		{ name: "HMAC", hash: "SHA-256" },
		false,
		["sign", "verify"],
	);
}

describe("HS256 signing", () => {
	it.each([
		["an ASCII name", "alice"],
		["a name beyond ASCII", "Zoë 李 🚀"],
		["characters base64 turns into + and /", "?>?>~~~ÿÿ"],
	])("writes the token hono/jwt writes, and hono/jwt verifies it: %s", async (_what, name) => {
		const key = await hmacKey();
		const payload = { sub: "u123", name, role: "member", chat: "c1", iat: 1, exp: 4_000_000_000, sat: 1 };
		const ours = await signHs256(payload, key);
		expect(ours).toBe(await sign(payload, key, "HS256"));
		expect(ours).not.toMatch(/[+/=]/);
		expect(await verify(ours, key, { alg: "HS256" })).toEqual(payload);
	});

	it("is refused when its signature changes", async () => {
		const key = await hmacKey();
		const token = await signHs256({ sub: "u1", exp: 4_000_000_000 }, key);
		const [header, payload, signature = ""] = token.split(".");
		const flipped = signature[0] === "A" ? "B" : "A";
		const forged = `${header}.${payload}.${flipped}${signature.slice(1)}`;
		await expect(verify(forged, key, { alg: "HS256" })).rejects.toThrow();
	});
});
