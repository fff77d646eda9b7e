/**
 * Where a chat may send its events. In production only `https:` to public hosts: a webhook must
 * never become a way to reach the operator's own network. With `WEBHOOKS_ALLOW_LOCAL=true`
 * (`.dev.vars`, tests) plain `http:` to the loopback host is allowed too, for a receiver on the
 * developer's machine. Host names are checked as written; Workers' fetch reaches only the public
 * internet, so a public name that resolves to a private address gets nowhere either.
 */
export type UrlCheck = { ok: true; url: string } | { ok: false; reason: string };

const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function checkWebhookUrl(raw: string, allowLocal: boolean): UrlCheck {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return { ok: false, reason: "url must be an absolute URL" };
	}
	if (url.username !== "" || url.password !== "") {
		return { ok: false, reason: "url must not hold a user name or password" };
	}
	const host = url.hostname.toLowerCase();
	if (allowLocal && loopbackHosts.has(host) && (url.protocol === "http:" || url.protocol === "https:")) {
		return { ok: true, url: url.href };
	}
	if (url.protocol !== "https:") {
		return { ok: false, reason: "url must use https:" };
	}
	if (isPrivateHost(host)) {
		return { ok: false, reason: "url must not point to a private, loopback or link-local address" };
	}
	return { ok: true, url: url.href };
}

export function isPrivateHost(host: string): boolean {
	if (
		host === "localhost" ||
		host.endsWith(".localhost") ||
		host.endsWith(".local") ||
		host.endsWith(".internal")
	)
		return true;
	const v4 = host.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
	if (v4) {
		const [a, b] = [Number(v4[1]), Number(v4[2])];
		return (
			a === 0 ||
			a === 10 ||
			a === 127 ||
			(a === 100 && b >= 64 && b <= 127) ||
			(a === 169 && b === 254) ||
			(a === 172 && b >= 16 && b <= 31) ||
			(a === 192 && b === 168) ||
			a >= 224
		);
	}
	if (host.startsWith("[")) {
		const v6 = host.slice(1, -1);
		// Loopback, unspecified, unique-local (fc00::/7), link-local (fe80::/10), IPv4-mapped.
		return (
			v6 === "::1" || v6 === "::" || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || v6.startsWith("::ffff:")
		);
	}
	return false;
}
