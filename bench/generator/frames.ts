import type { ChatMessage, MessageFrame, SendFrame } from "../../worker/protocol/index.ts";

/**
 * Every bench message carries its own identity and send time in its text: `~<number>~<µs>~` then
 * padding. All clients live in this process, so one clock (performance.now) times send and arrival.
 * The receivers find the stamp with a byte search, without decoding or parsing the frame, so that
 * the generator spends as little CPU per delivery as it can, and the same on every server.
 */

/** Characters of text per message: a typical chat line. */
export const textLength = 100;

const padding = "x".repeat(textLength);

export function stampedText(message: number, sentMicros: number): string {
	const stamp = `~${message}~${sentMicros}~`;
	return stamp + padding.slice(stamp.length);
}

/** Now, in whole microseconds since this process started. */
export function nowMicros(): number {
	return Math.round(performance.now() * 1000);
}

/** What an edgechat client sends: the protocol's `send` frame, with a clientId as the web client does. */
export function edgechatSend(phase: number, message: number, sentMicros: number): string {
	const frame: SendFrame = {
		type: "send",
		text: stampedText(message, sentMicros),
		clientId: clientIdOf(phase, message),
	};
	return JSON.stringify(frame);
}

/**
 * What a baseline client sends: a frame shaped (and sized) like the `message` frame edgechat
 * broadcasts for the same text, which the baselines pass on unchanged. Both sides then move and
 * scan the same bytes per delivery.
 */
export function baselineSend(phase: number, message: number, sentMicros: number, sender: number): string {
	const body: ChatMessage = {
		seq: message + 1,
		id: "00000000-0000-4000-8000-000000000000",
		user: { id: `u${String(sender).padStart(15, "0")}`, name: `bench-${sender}` },
		text: stampedText(message, sentMicros),
		ts: Date.now(),
		clientId: clientIdOf(phase, message),
	};
	const frame: MessageFrame = { type: "message", message: body };
	return JSON.stringify(frame);
}

/**
 * Unique per phase and message: edgechat treats a clientId it has seen from the same user as a
 * retry and answers the sender alone with the original message, so ids must never repeat.
 */
export function clientIdOf(phase: number, message: number): string {
	return `bench-${phase}-${message}`;
}

/** The phase and message of a clientId made by clientIdOf, or null. */
export function parseClientId(clientId: unknown): { phase: number; message: number } | null {
	const match = typeof clientId === "string" ? /^bench-(\d+)-(\d+)$/.exec(clientId) : null;
	return match ? { phase: Number(match[1]), message: Number(match[2]) } : null;
}

const textMarker = Buffer.from('"text":"~');
const seqMarker = Buffer.from('"seq":');
const tilde = 0x7e;
const zero = 0x30;
const nine = 0x39;

/** Result slots of readStamp, reused to keep the per-delivery path free of allocations. */
export const stamp = { message: -1, sentMicros: 0 };

/** Finds the stamp of a message frame; false if the frame carries none (ready, presence, pong...). */
export function readStamp(data: Buffer): boolean {
	const at = data.indexOf(textMarker);
	if (at < 0) return false;
	let position = at + textMarker.length;
	let message = 0;
	let digits = 0;
	for (; position < data.length && data[position] !== tilde; position++, digits++) {
		message = message * 10 + (data[position] ?? 0) - zero;
	}
	let sent = 0;
	for (position++; position < data.length && data[position] !== tilde; position++, digits++) {
		sent = sent * 10 + (data[position] ?? 0) - zero;
	}
	if (digits === 0 || position >= data.length) return false;
	stamp.message = message;
	stamp.sentMicros = sent;
	return true;
}

/** The first `"seq":N` of a frame (the message's seq in edgechat's message frames), or -1. */
export function readSeq(data: Buffer): number {
	const at = data.indexOf(seqMarker);
	if (at < 0) return -1;
	let value = 0;
	let position = at + seqMarker.length;
	for (; position < data.length; position++) {
		const byte = data[position] ?? 0;
		if (byte < zero || byte > nine) break;
		value = value * 10 + byte - zero;
	}
	return position === at + seqMarker.length ? -1 : value;
}

const typeMarker = Buffer.from('"type":"');

/** The `type` of a JSON frame without parsing it, or "text" for a bare text frame such as pong. */
export function frameType(data: Buffer): string {
	const at = data.indexOf(typeMarker);
	if (at < 0) return data.length <= 8 ? data.toString() : "text";
	const start = at + typeMarker.length;
	const end = data.indexOf(0x22, start);
	return end < 0 ? "unknown" : data.toString("latin1", start, end);
}
