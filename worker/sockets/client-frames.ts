import { type ClientFrame, clientFrame, type ErrorFrame, errorFrameOf, limits } from "../protocol";
import { readableIssue } from "../protocol/readable-issues";

export type ParsedFrame = { ok: true; frame: ClientFrame } | { ok: false; error: ErrorFrame };

const encoder = new TextEncoder();

/** UTF-8 size without encoding when the string is clearly small (3 bytes per UTF-16 unit at most). */
function utf8Size(text: string): number {
	return text.length * 3 <= limits.frameBytesMax ? text.length : encoder.encode(text).byteLength;
}

function refuse(code: ErrorFrame["code"], message: string, clientId?: unknown): ParsedFrame {
	return {
		ok: false,
		error: errorFrameOf(code, message, typeof clientId === "string" ? clientId : undefined),
	};
}

/** Turns a raw WebSocket message into a validated client frame, or the error frame to answer with. */
export function parseClientFrame(raw: string | ArrayBuffer): ParsedFrame {
	if (typeof raw !== "string")
		return refuse("bad_request", "Binary frames are not supported; send JSON text");
	if (utf8Size(raw) > limits.frameBytesMax) {
		return refuse("too_large", `Frames are limited to ${limits.frameBytesMax} bytes`);
	}
	let json: unknown;
	try {
		json = JSON.parse(raw);
	} catch {
		return refuse("bad_request", "Frames must be JSON text");
	}
	const result = clientFrame.safeParse(json);
	if (result.success) return { ok: true, frame: result.data };
	const clientId =
		typeof json === "object" && json !== null && "clientId" in json ? json.clientId : undefined;
	return refuse("bad_request", readableIssue(result.error.issues[0]), clientId);
}
