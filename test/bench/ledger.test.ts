import { describe, expect, it } from "vitest";
import {
	clientIdOf,
	edgechatSend,
	frameType,
	parseClientId,
	readSeq,
	readStamp,
	stamp,
	stampedText,
} from "../../bench/generator/frames.ts";
import { Phase } from "../../bench/generator/phase.ts";
import type { MessageFrame, PresenceFrame, SendFrame } from "../../worker/protocol/index.ts";

/** A `message` frame as the room broadcasts it: JSON.stringify of the protocol's type. */
function messageFrame(seq: number, text: string): Buffer {
	const frame: MessageFrame = {
		type: "message",
		message: {
			seq,
			id: "6f1c2d9e-0000-4000-8000-000000000001",
			user: { id: "u000000000000007", name: "bench-7" },
			text,
			ts: 1_790_000_000_000,
			clientId: clientIdOf(1, seq),
		},
	};
	return Buffer.from(JSON.stringify(frame));
}

describe("bench frames", () => {
	it("reads the stamp and seq of a message frame without parsing it", () => {
		const data = messageFrame(4812, stampedText(311, 98_765_432));
		expect(readStamp(data)).toBe(true);
		expect(stamp).toEqual({ message: 311, sentMicros: 98_765_432 });
		expect(readSeq(data)).toBe(4812);
		expect(frameType(data)).toBe("message");
	});

	it("finds no stamp in frames that are not bench messages", () => {
		const presence: PresenceFrame = { type: "presence", joined: [], left: [], online: 3 };
		const data = Buffer.from(JSON.stringify(presence));
		expect(readStamp(data)).toBe(false);
		expect(frameType(data)).toBe("presence");
		expect(frameType(Buffer.from("pong"))).toBe("pong");
		// A text that starts like a stamp but is cut off is not one.
		expect(readStamp(messageFrame(1, "~12~"))).toBe(false);
	});

	it("sends the protocol's send frame, of a chat line's length, with a clientId it can read back", () => {
		const frame: SendFrame = JSON.parse(edgechatSend(3, 41, 1234));
		expect(frame.type).toBe("send");
		expect(frame.text).toHaveLength(100);
		expect(frame.text.startsWith("~41~1234~")).toBe(true);
		expect(parseClientId(frame.clientId)).toEqual({ phase: 3, message: 41 });
		expect(parseClientId("someone-else")).toBeNull();
	});
});

describe("bench ledger", () => {
	/** Three clients; client 0 sends `messages` messages at t = 1000 µs. */
	function phaseWithSends(messages: number): Phase {
		const phase = new Phase(3, 10);
		for (let index = 0; index < messages; index++) phase.recordSend(0, 1000);
		return phase;
	}

	function deliverAll(phase: Phase, except?: { client: number; message: number }): void {
		for (let message = 0; message < phase.sent; message++) {
			for (let client = 0; client < phase.clients; client++) {
				if (except?.client === client && except.message === message) continue;
				phase.deliver(client, message, 1000, 1000 + 250 * (client + 1), 300);
			}
		}
	}

	it("counts every message to every client once, and their latency", () => {
		const phase = phaseWithSends(4);
		deliverAll(phase);
		expect(phase.expected).toBe(12);
		expect(phase.delivered).toBe(12);
		expect(phase.lost).toBe(0);
		expect(phase.duplicates).toBe(0);
		expect(phase.latency.maxValue).toBe(750);
		expect(phase.latency.getValueAtPercentile(50)).toBe(500);
		// The sender has had all of its messages back: none in flight.
		expect(phase.inFlight.get(0)).toBe(0);
	});

	it("finds a missing delivery and names it", () => {
		const phase = phaseWithSends(4);
		deliverAll(phase, { client: 2, message: 3 });
		expect(phase.lost).toBe(1);
		expect(phase.describeLosses()).toEqual({ clientsMissing: 1, examples: ["client 2 missed message 3"] });
	});

	it("counts a second arrival of the same message as a duplicate, not as a delivery", () => {
		const phase = phaseWithSends(2);
		deliverAll(phase);
		phase.deliver(1, 1, 1000, 9000, 300);
		expect(phase.delivered).toBe(6);
		expect(phase.duplicates).toBe(1);
		expect(phase.lost).toBe(0);
	});

	it("counts a message that was never sent as a stray", () => {
		const phase = phaseWithSends(2);
		phase.deliver(0, 2, 1000, 2000, 300);
		phase.deliver(5, 0, 1000, 2000, 300);
		expect(phase.strays).toBe(2);
		expect(phase.delivered).toBe(0);
	});

	it("owes nobody a message the server refused", () => {
		const phase = phaseWithSends(3);
		expect(phase.inFlight.get(0)).toBe(3);
		phase.reject(1);
		expect(phase.inFlight.get(0)).toBe(2);
		deliverAll(phase, { client: 0, message: 1 });
		// Message 1 reached clients 1 and 2 anyway; those arrivals are not counted as owed.
		expect(phase.expected).toBe(6);
		expect(phase.lost).toBe(0);
	});
});
