const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A random identifier over [0-9A-Za-z]; rejection sampling keeps every character equally likely. */
export function randomId(length: number): string {
	let id = "";
	while (id.length < length) {
		for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
			if (byte < 248 && id.length < length) id += alphabet[byte % 62];
		}
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
