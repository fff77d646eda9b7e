import type { ClientFrame } from "../../worker/protocol/frames.ts";
import { type ServerFrame, serverFrame } from "../../worker/protocol/server-frames.ts";

/**
 * Reads a server frame with the contract's own schema. What is not a frame of this contract (a
 * proxy's text, a frame type newer than this client) is ignored, not fatal.
 */
export function parseServerFrame(text: string): ServerFrame | null {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return null;
	}
	const parsed = serverFrame.safeParse(value);
	return parsed.success ? parsed.data : null;
}

export function encodeClientFrame(frame: ClientFrame): string {
	return JSON.stringify(frame);
}

/** Random, URL-safe and within the contract's clientId alphabet; works outside secure contexts too. */
export function newClientId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	let id = "c";
	for (const byte of bytes) id += byte.toString(16).padStart(2, "0");
	return id;
}
