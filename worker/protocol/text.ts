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

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const notInEmoji = /[\p{Cc}\p{Z}\u202A-\u202E\u2066-\u2069]/u;

/** One grapheme cluster of at most 32 UTF-8 bytes, with no space or control character in it. */
export function isReactionEmoji(value: string): boolean {
	if (value.length === 0 || !isWellFormed(value) || notInEmoji.test(value)) return false;
	if (utf8Bytes(value) > 32) return false;
	let count = 0;
	for (const _ of graphemes.segment(value)) if (++count > 1) return false;
	return count === 1;
}

function utf8Bytes(value: string): number {
	let bytes = 0;
	for (const char of value) {
		const point = char.codePointAt(0) ?? 0;
		bytes += point < 0x80 ? 1 : point < 0x800 ? 2 : point < 0x10000 ? 3 : 4;
	}
	return bytes;
}
