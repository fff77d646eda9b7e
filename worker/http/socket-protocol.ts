import {
	ApiError,
	keyProtocolPrefix,
	nameProtocolPrefix,
	socketProtocol,
	tokenBody,
	tokenProtocolPrefix,
} from "../protocol";
import { readableIssue } from "../protocol/readable-issues";

const protocolHeader = "Sec-WebSocket-Protocol";
const credentialPrefixes = [tokenProtocolPrefix, nameProtocolPrefix, keyProtocolPrefix];

/** What an upgrade's subprotocols carry (protocol/subprotocols.ts says why they carry it). */
export interface OfferedProtocols {
	/** The token carried as a subprotocol, if one was offered. */
	token: string | null;
	/** A join without a token: the name decoded from its base64url, and the chat's key if offered. */
	name: string | null;
	key: string | null;
}

export function offeredProtocols(headers: Headers): OfferedProtocols {
	const offered = (headers.get(protocolHeader) ?? "")
		.split(",")
		.map((name) => name.trim())
		.filter((name) => name.length > 0);
	const carried = (prefix: string) => {
		const carrier = offered.find((name) => name.startsWith(prefix));
		return carrier === undefined ? null : carrier.slice(prefix.length) || null;
	};
	const token = carried(tokenProtocolPrefix);
	const encodedName = carried(nameProtocolPrefix);
	const key = carried(keyProtocolPrefix);
	const speaksV1 = offered.includes(socketProtocol);
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
	return { token, name, key };
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
	// Parsed as the token request's body is, so a bad name gets the same words.
	const parsed = tokenBody.safeParse({ name: text });
	if (!parsed.success) throw new ApiError(400, "bad_request", readableIssue(parsed.error.issues[0]));
	return parsed.data.name ?? text;
}

function textOfBase64url(encoded: string): string | null {
	if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return null;
	try {
		const binary = atob(encoded.replaceAll("-", "+").replaceAll("_", "/"));
		const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
		return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
	} catch {
		return null;
	}
}

/** The upgrade's headers as the chat's object gets them: no credential among the subprotocols. */
export function withoutCredentialProtocols(headers: Headers): Headers {
	const forwarded = new Headers(headers);
	const kept = (headers.get(protocolHeader) ?? "")
		.split(",")
		.map((name) => name.trim())
		.filter((name) => name.length > 0 && !credentialPrefixes.some((prefix) => name.startsWith(prefix)));
	if (kept.length > 0) forwarded.set(protocolHeader, kept.join(", "));
	else forwarded.delete(protocolHeader);
	return forwarded;
}
