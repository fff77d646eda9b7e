import {
	ApiError,
	keyProtocolPrefix,
	nameProtocolPrefix,
	socketProtocol,
	tokenProtocolPrefix,
	userName,
} from "../protocol";
import { readableIssue } from "../protocol/readable-issues";

const protocolHeader = "sec-websocket-protocol";

/** What an upgrade's subprotocols carry (protocol/subprotocols.ts says why they carry it). */
export interface OfferedProtocols {
	/** The token carried as a subprotocol, if one was offered. */
	token: string | null;
	/** A join without a token: the name decoded from its base64url, and the chat's key if offered. */
	name: string | null;
	key: string | null;
	/** Whether `edgechat.v1` was offered, so the 101 may name it. */
	speaksV1: boolean;
}

export function offeredProtocols(headers: Headers): OfferedProtocols {
	// One pass over the offer (every join reads it); of each kind the first carrier counts.
	let token: string | null | undefined;
	let encodedName: string | null | undefined;
	let key: string | null | undefined;
	let speaksV1 = false;
	const carried = (name: string, prefix: string) => name.slice(prefix.length) || null;
	for (const offered of (headers.get(protocolHeader) ?? "").split(",")) {
		const name = offered.trim();
		if (name === socketProtocol) speaksV1 = true;
		else if (token === undefined && name.startsWith(tokenProtocolPrefix))
			token = carried(name, tokenProtocolPrefix);
		else if (encodedName === undefined && name.startsWith(nameProtocolPrefix))
			encodedName = carried(name, nameProtocolPrefix);
		else if (key === undefined && name.startsWith(keyProtocolPrefix)) key = carried(name, keyProtocolPrefix);
	}
	token ??= null;
	encodedName ??= null;
	key ??= null;
	// A browser fails the handshake unless the answer names a protocol it offered; refusing here
	// says why, where the browser would only report a closed socket.
	if ((token !== null || encodedName !== null || key !== null) && !speaksV1) {
		throw new ApiError(
			400,
			"bad_request",
			`Offer the subprotocol ${socketProtocol} alongside ${tokenProtocolPrefix}<token> or ${nameProtocolPrefix}<name>`,
		);
	}
	const name = encodedName === null ? null : nameOf(encodedName);
	return { token, name, key, speaksV1 };
}

/** The name a join offers, checked as the token request checks `name` (same code, same words). */
function nameOf(encoded: string): string {
	const text = textOfBase64url(encoded);
	if (text === null) {
		throw new ApiError(
			400,
			"bad_request",
			`${nameProtocolPrefix}<name>: the name's UTF-8 bytes in base64url, without padding`,
		);
	}
	// Checked by the token request's own field, and named as its body's field is, so a bad name
	// gets the same words (the field alone: every join passes here, and a whole body costs more).
	const parsed = userName.safeParse(text);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new ApiError(
			400,
			"bad_request",
			readableIssue(issue && { ...issue, path: ["name", ...issue.path] }),
		);
	}
	return parsed.data;
}

function textOfBase64url(encoded: string): string | null {
	if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return null;
	try {
		const binary = atob(encoded.replaceAll("-", "+").replaceAll("_", "/"));
		// Printable ASCII bytes are their own UTF-8 text: most names need no decoder.
		if (/^[\x20-\x7e]*$/.test(binary)) return binary;
		const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
		return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
	} catch {
		return null;
	}
}

/**
 * The headers the chat's object gets with an upgrade, made afresh: nothing a client sent reaches
 * it (no credential among the subprotocols, no header under an internal name) but the offer of
 * `edgechat.v1`, which the object's 101 then names. Cheaper, too, than copying a browser's
 * dozen headers for every join and deleting from the copy.
 */
export function objectUpgradeHeaders(offered: OfferedProtocols): Record<string, string> {
	// A plain record: the runtime reads it once into the object's request (a Headers and a call
	// per header cost more, every join).
	return offered.speaksV1
		? { upgrade: "websocket", [protocolHeader]: socketProtocol }
		: { upgrade: "websocket" };
}
