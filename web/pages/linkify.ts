/** http(s) URLs in running text; the scheme is required so "example.com" stays plain text. */
const urlPattern = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Sentence punctuation that usually ends a sentence rather than the URL. */
const trailingPunctuation = /[.,;:!?'")\]]+$/;

/**
 * Turns message text into DOM nodes: text nodes, and anchors for http(s) links. Nothing is parsed
 * as HTML, so `<img src=x onerror=...>` stays visible text. Links open in a new tab without
 * giving the opened page a handle on this one (`noopener`) or the chat's address (`noreferrer`).
 */
export function linkify(text: string): Node[] {
	const nodes: Node[] = [];
	let position = 0;
	for (const match of text.matchAll(urlPattern)) {
		const start = match.index;
		let candidate = match[0];
		const trailing = trailingPunctuation.exec(candidate);
		// Keep a closing parenthesis that belongs to the URL, as in Wikipedia links.
		if (trailing && !(trailing[0] === ")" && candidate.includes("("))) {
			candidate = candidate.slice(0, -trailing[0].length);
		}
		const url = safeUrl(candidate);
		if (!url) continue;
		if (start > position) nodes.push(document.createTextNode(text.slice(position, start)));
		const anchor = document.createElement("a");
		anchor.href = url;
		anchor.textContent = candidate;
		anchor.rel = "noopener noreferrer";
		anchor.target = "_blank";
		nodes.push(anchor);
		position = start + candidate.length;
	}
	if (position < text.length) nodes.push(document.createTextNode(text.slice(position)));
	return nodes;
}

function safeUrl(candidate: string): string | null {
	try {
		const url = new URL(candidate);
		return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
	} catch {
		return null;
	}
}
