const encoder = new TextEncoder();

/** Invite and owner keys are stored only as SHA-256 digests, so a leaked database leaks no key. */
export async function hashKey(key: string): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", encoder.encode(key));
	return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Compares in constant time, so response timing reveals nothing about the stored digest. */
export async function keyMatches(key: string, storedHash: string | null): Promise<boolean> {
	if (storedHash === null) return false;
	const candidate = encoder.encode(await hashKey(key));
	const stored = encoder.encode(storedHash);
	return candidate.byteLength === stored.byteLength && crypto.subtle.timingSafeEqual(candidate, stored);
}
