const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * Random bytes drawn a kilobyte at a time, each used once: every join by name takes an id, and
 * asking the runtime for a few bytes at a time cost more than the bytes.
 */
const pool = new Uint8Array(1024);
let used = pool.length;

function randomByte(): number {
	if (used === pool.length) {
		crypto.getRandomValues(pool);
		used = 0;
	}
	return pool[used++] ?? 0;
}

/** A random identifier over [0-9A-Za-z]; rejection sampling keeps every character equally likely. */
export function randomId(length: number): string {
	let id = "";
	while (id.length < length) {
		const byte = randomByte();
		if (byte < 248) id += alphabet[byte % 62];
	}
	return id;
}

/** 16 characters of base62: about 95 bits, so chat ids cannot be guessed or enumerated. */
export const newChatId = () => randomId(16);
export const newUserId = () => `u${randomId(15)}`;
export const newMessageId = () => crypto.randomUUID();
/** Invite and owner keys: about 190 bits. */
export const newSecretKey = () => randomId(32);
/** Uploaded files: about 143 bits, so a file cannot be found by guessing its id. */
export const newFileId = () => `f${randomId(24)}`;
