import { base64urlOfBytes, base64urlOfText } from "./base64url";

/**
 * HS256 JSON Web Tokens, signed. hono/jwt verifies them (tokens.ts); it signed them too, until
 * a profile of a join storm showed its signing at about 4% of the runtime's CPU: every join by
 * name signs a token, and the library encodes the constant header again each time and base64s
 * byte by byte. Here the header is encoded once and an ASCII payload (all but non-Latin names)
 * goes to `btoa` as it is. The output is the same JWT: `base64url(header).base64url(payload).
 * base64url(HMAC-SHA256 of the two)`, without padding (RFC 7515).
 */

const headerPart = base64urlOfText(JSON.stringify({ alg: "HS256", typ: "JWT" }));
const encoder = new TextEncoder();

export async function signHs256(payload: Record<string, unknown>, key: CryptoKey): Promise<string> {
	const signed = `${headerPart}.${base64urlOfText(JSON.stringify(payload))}`;
	const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(signed));
	return `${signed}.${base64urlOfBytes(new Uint8Array(signature))}`;
}
