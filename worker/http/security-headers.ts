/**
 * Headers of every page the Worker serves (the HTML shell of `/`, `/c/:id`, `/embed/:id`). The
 * built page loads one script and one stylesheet from /assets and runs no inline script, so the
 * policy allows scripts and styles from our own origin only: an injected `<script>` or `onerror=`
 * does not run even if some text were ever rendered as HTML.
 */
export function pageSecurityHeaders(url: URL, embedOrigins: readonly string[]): Headers {
	const socketOrigin = `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}`;
	const policy = [
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		// The favicon is an inline SVG data URL; a private chat's images are shown from memory (blob:).
		"img-src 'self' data: blob:",
		// 'self' covers same-origin WebSockets in CSP 3; older browsers need the ws(s) origin named.
		`connect-src 'self' ${socketOrigin}`,
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
	];
	const headers = new Headers({
		"Referrer-Policy": "no-referrer",
		"X-Content-Type-Options": "nosniff",
	});
	const ancestors = frameAncestors(url.pathname, embedOrigins);
	if (ancestors !== null) policy.push(`frame-ancestors ${ancestors}`);
	// For browsers without frame-ancestors; it cannot express a list, so only "never" is sent.
	if (ancestors === "'none'") headers.set("X-Frame-Options", "DENY");
	headers.set("Content-Security-Policy", policy.join("; "));
	return headers;
}

/** Origins as CSP source expressions; anything else (a stray `;`) must not reach the header. */
const originPattern = /^(https?:\/\/)?(\*\.)?[A-Za-z0-9.-]+(:\d+)?$/;

/**
 * Only `/embed/*` pages are meant to be framed, by the sites in `EMBED_ORIGINS`. Null: no
 * restriction (`*`, the default; `frame-ancestors *` would still refuse non-network parents
 * such as a `srcdoc` page, which plain embedding allows).
 */
export function frameAncestors(path: string, embedOrigins: readonly string[]): string | null {
	if (!path.startsWith("/embed/")) return "'none'";
	if (embedOrigins.includes("*")) return null;
	const allowed = embedOrigins.filter((origin) => originPattern.test(origin));
	if (embedOrigins.includes("none") || allowed.length === 0) return "'none'";
	return ["'self'", ...allowed].join(" ");
}
