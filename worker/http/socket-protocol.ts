import { ApiError } from "../protocol";

/**
 * Browsers cannot set headers on a WebSocket, and a token in the URL ends up in logs and
 * histories. What they can set is the list of subprotocols (`Sec-WebSocket-Protocol`), so a client
 * offers `edgechat.v1` and `edgechat.token.<token>`; the server picks `edgechat.v1` and never
 * echoes the token. JWTs are base64url and dots, all valid in a subprotocol name (RFC 6455 §4.1).
 */
export const socketProtocol = "edgechat.v1";
export const tokenProtocolPrefix = "edgechat.token.";

const protocolHeader = "Sec-WebSocket-Protocol";

export interface OfferedProtocols {
	/** The token carried as a subprotocol, if one was offered. */
	token: string | null;
	/** Whether `edgechat.v1` was offered, so the answer may name it. */
	speaksV1: boolean;
}

export function offeredProtocols(headers: Headers): OfferedProtocols {
	const offered = (headers.get(protocolHeader) ?? "")
		.split(",")
		.map((name) => name.trim())
		.filter((name) => name.length > 0);
	const carrier = offered.find((name) => name.startsWith(tokenProtocolPrefix));
	const token = carrier === undefined ? null : carrier.slice(tokenProtocolPrefix.length) || null;
	const speaksV1 = offered.includes(socketProtocol);
	// A browser fails the handshake unless the answer names a protocol it offered; refusing here
	// says why, where the browser would only report a closed socket.
	if (token !== null && !speaksV1) {
		throw new ApiError(
			400,
			"bad_request",
			`Offer the subprotocol ${socketProtocol} alongside ${tokenProtocolPrefix}<token>`,
		);
	}
	return { token, speaksV1 };
}

/** The upgrade's headers as the room gets them: every subprotocol but the token. */
export function withoutTokenProtocol(headers: Headers): Headers {
	const forwarded = new Headers(headers);
	const kept = (headers.get(protocolHeader) ?? "")
		.split(",")
		.map((name) => name.trim())
		.filter((name) => name.length > 0 && !name.startsWith(tokenProtocolPrefix));
	if (kept.length > 0) forwarded.set(protocolHeader, kept.join(", "));
	else forwarded.delete(protocolHeader);
	return forwarded;
}

/**
 * The room's 101 with `Sec-WebSocket-Protocol: edgechat.v1` when the client offered it. The room
 * does not negotiate subprotocols, and a browser that offered some refuses an answer naming none.
 */
export function answerProtocol(response: Response, offered: OfferedProtocols): Response {
	if (response.status !== 101 || !offered.speaksV1 || !response.webSocket) return response;
	const headers = new Headers(response.headers);
	headers.set(protocolHeader, socketProtocol);
	return new Response(null, { status: 101, webSocket: response.webSocket, headers });
}
