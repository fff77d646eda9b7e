import {
	keyProtocolPrefix,
	nameProtocolPrefix,
	socketProtocol,
	tokenProtocolPrefix,
} from "../../worker/protocol/subprotocols.ts";

/**
 * The chat's socket address. No secret goes in it: the token (or a first visit's name and key)
 * travels as a subprotocol. `resume`: where a reconnect picks up, after the last seq and change
 * counter seen (the first join needs no replay: older history is paged over HTTP on demand).
 */
export function socketUrl(
	baseUrl: string,
	chatId: string,
	resume: { since: number; rev: number } | null,
): string {
	const url = new URL(`/api/chats/${encodeURIComponent(chatId)}/ws`, baseUrl);
	url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
	if (resume) {
		url.searchParams.set("since", String(resume.since));
		// And every message changed meanwhile (edited, deleted, reactions), after the missed ones.
		url.searchParams.set("rev", String(resume.rev));
	}
	return url.href;
}

/**
 * A WebSocket cannot carry headers from a browser, so what the upgrade needs rides in the
 * subprotocol list; the server answers with `edgechat.v1` alone and never echoes the rest
 * (docs/API.md).
 */
export function tokenOffer(token: string): string[] {
	return [socketProtocol, `${tokenProtocolPrefix}${token}`];
}

/**
 * A first visit's join in one request: the name (and the chat's key) a token request would
 * carry, so the object that admits the socket issues the token and sends it in `ready`.
 */
export function nameOffer(name: string, key: string | undefined): string[] {
	const offer = [socketProtocol, `${nameProtocolPrefix}${base64url(name)}`];
	if (key !== undefined) offer.push(`${keyProtocolPrefix}${key}`);
	return offer;
}

/**
 * Whether `key` can ride in a subprotocol: RFC 6455 §4.1 allows only an HTTP token's characters
 * (RFC 7230 §3.2.6), and `new WebSocket` throws on anything else. Keys edgechat issues always fit;
 * a mistyped one that does not is sent in a token request instead, which says what is wrong with it.
 */
export function fitsSubprotocol(key: string): boolean {
	return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key);
}

/** The text's UTF-8 bytes in base64url without padding, with what browsers and Node 22+ both have. */
function base64url(text: string): string {
	let binary = "";
	for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
	return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
