/**
 * Text helpers of the contract without any dependency (no zod), so the browser client can use
 * them without carrying the schemas.
 */

/**
 * A lone UTF-16 surrogate cannot be encoded as UTF-8: storage and the wire would replace it with
 * U+FFFD, so what was acknowledged would not be what is stored. With the `u` flag a surrogate
 * pair is one code point outside `\p{Cs}`, so only unpaired halves match.
 */
const loneSurrogate = /\p{Cs}/u;

export function isWellFormed(text: string): boolean {
	return !loneSurrogate.test(text);
}

/** Length in characters as a person counts them, not UTF-16 code units. */
export function characterCount(text: string): number {
	let count = 0;
	for (const _ of text) count++;
	return count;
}

/** CRLF and lone CR become LF, so a line break counts as one character whatever the sender's OS. */
export function normalizeLineBreaks(text: string): string {
	return text.replace(/\r\n?/g, "\n");
}
