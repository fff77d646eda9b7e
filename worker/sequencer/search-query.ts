/**
 * A search box's text as an FTS5 query. The text is never a query language: each word becomes an
 * FTS5 string (double-quoted, inner quotes doubled), which FTS5 takes as literal text to tokenize,
 * so `"`, `*`, `-`, `:`, `(`, `OR`, `NEAR` and the like are searched as written or, being no
 * letters, ignored, never parsed. Strings side by side must all match (FTS5's implicit AND); the
 * last one also as a prefix (`"hel"*` finds hello), so a box can search as the person types.
 * Null when no word holds a letter or a digit: there is nothing to look for.
 */
export function matchExpression(text: string): string | null {
	// Control characters part words too: FTS5 reads a NUL as the end of the query, mid-string.
	const words = text.split(/[\s\p{Cc}]+/u).filter((word) => /[\p{L}\p{N}]/u.test(word));
	if (words.length === 0) return null;
	const last = words.length - 1;
	return words.map((word, index) => `"${word.replaceAll('"', '""')}"${index === last ? "*" : ""}`).join(" ");
}
