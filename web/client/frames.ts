import type { ClientFrame, ServerFrame } from "../../worker/protocol/index.ts";

const serverFrameTypes: ReadonlySet<string> = new Set<ServerFrame["type"]>([
	"ready",
	"message",
	"presence",
	"typing",
	"deleted",
	"error",
]);

/**
 * Reads a server frame. The server is the source of the contract and its own tests hold every
 * frame to worker/protocol, so this only guards against what is not a frame at all (a proxy's
 * text, a newer frame type this client does not know): those are ignored, not fatal.
 */
export function parseServerFrame(text: string): ServerFrame | null {
	let value: ServerFrame | null;
	try {
		value = JSON.parse(text);
	} catch {
		return null;
	}
	if (typeof value !== "object" || value === null || !serverFrameTypes.has(value.type)) return null;
	return value;
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
