import { h } from "../dom.ts";

/** A word's characters, as the server's index tokenizes text (letters, digits, and their marks). */
const wordPattern = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/** A word as the index compares it: without case and accents (`Café` and `cafe` are one). */
export function foldWord(word: string): string {
	return word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

export interface SearchTerms {
	/** Words that must be there whole. */
	whole: Set<string>;
	/** The last word, which may also begin a longer one (`hel` finds hello); null if none. */
	prefix: string | null;
}

/**
 * The words a search box's text looks for, as the server reads it (docs/API.md, search): split
 * at spaces, each part's words folded, the very last one also a prefix. Quotes, `*`, `-` and
 * the like are no words at all.
 */
export function searchTerms(query: string): SearchTerms {
	const words: string[] = [];
	for (const part of query.split(/[\s\p{Cc}]+/u)) {
		for (const match of part.matchAll(wordPattern)) words.push(foldWord(match[0]));
	}
	const prefix = words.pop() ?? null;
	return { whole: new Set(words), prefix };
}

/** Where in `text` the words of `query` are, as [start, end) offsets, in order. */
export function matchedRanges(text: string, query: string): [number, number][] {
	const { whole, prefix } = searchTerms(query);
	const ranges: [number, number][] = [];
	for (const match of text.matchAll(wordPattern)) {
		const word = foldWord(match[0]);
		if (whole.has(word) || (prefix !== null && (word === prefix || word.startsWith(prefix)))) {
			ranges.push([match.index, match.index + match[0].length]);
		}
	}
	return ranges;
}

/** `text` as text nodes, the words found wrapped in `<mark>`: never parsed as HTML. */
export function highlighted(text: string, query: string): Node[] {
	const nodes: Node[] = [];
	let position = 0;
	for (const [start, end] of matchedRanges(text, query)) {
		if (start > position) nodes.push(document.createTextNode(text.slice(position, start)));
		nodes.push(h("mark", {}, text.slice(start, end)));
		position = end;
	}
	if (position < text.length) nodes.push(document.createTextNode(text.slice(position)));
	return nodes;
}
