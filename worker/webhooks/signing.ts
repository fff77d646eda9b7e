/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): the secret is `whsec_` and
 * the base64 of the key; the signature is `v1,` and the base64 HMAC-SHA256 of
 * `${webhook-id}.${webhook-timestamp}.${body}`, so receivers verify with any existing library.
 */
const prefix = "whsec_";
const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
	let binary = "";
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
	return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

/** 32 random bytes: the HMAC key a receiver verifies with. */
export function newWebhookSecret(): string {
	return prefix + toBase64(crypto.getRandomValues(new Uint8Array(32)));
}

export async function signWebhook(secret: string, id: string, timestampSeconds: number, body: string) {
	const key = await crypto.subtle.importKey(
		"raw",
		fromBase64(secret.startsWith(prefix) ? secret.slice(prefix.length) : secret),
		{ name: "HMAC", hash: "SHA-256" },
		false,
		["sign"],
	);
	const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${id}.${timestampSeconds}.${body}`));
	return `v1,${toBase64(new Uint8Array(mac))}`;
}

/** The three headers of a signed delivery. */
export async function webhookHeaders(secret: string, id: string, body: string, now = Date.now()) {
	const timestamp = Math.floor(now / 1000);
	return {
		"content-type": "application/json",
		"webhook-id": id,
		"webhook-timestamp": String(timestamp),
		"webhook-signature": await signWebhook(secret, id, timestamp, body),
	};
}
