/** base64url without padding (RFC 4648 §5), as tokens and address digests are written. */

const encoder = new TextEncoder();

/** Text as the base64url of its UTF-8 bytes. */
export function base64urlOfText(text: string): string {
	// btoa takes one byte per character: text beyond printable ASCII goes through its UTF-8 bytes
	// (JSON, the usual text here, escapes the control characters).
	return base64urlOfBinary(/^[\x20-\x7e]*$/.test(text) ? text : String.fromCharCode(...encoder.encode(text)));
}

export function base64urlOfBytes(bytes: Uint8Array): string {
	return base64urlOfBinary(String.fromCharCode(...bytes));
}

/** `binary`: one byte per character. */
function base64urlOfBinary(binary: string): string {
	return btoa(binary).replace(/[+/=]/g, (char) => (char === "+" ? "-" : char === "/" ? "_" : ""));
}
