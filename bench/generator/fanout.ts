import { nowMicros } from "./frames.ts";
import { Phase } from "./phase.ts";
import type { Room } from "./room.ts";

export interface FanoutOptions {
	/** How many clients send (the first ones of the room). */
	senders: number;
	/** Messages per second offered, all senders together. */
	rate: number;
	durationMs: number;
	/**
	 * A sender waits while this many of its messages have not come back to it: under saturation
	 * the offered load then stops growing the server's queue, and what is measured is throughput.
	 */
	maxInFlightPerSender: number;
	/** After the last send, how long deliveries may take to arrive before the rest count as lost. */
	drainMs: number;
	onProgress?: (phase: Phase, elapsedMs: number) => void;
}

export interface FanoutResult {
	clients: number;
	senders: number;
	offeredPerSecond: number;
	sentPerSecond: number;
	sent: number;
	rejected: number;
	expected: number;
	delivered: number;
	lost: number;
	duplicates: number;
	strays: number;
	outOfOrder: number;
	/** Deliveries per second: all deliveries over first send to last arrival. */
	deliveriesPerSecond: number;
	offeredDeliveriesPerSecond: number;
	latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
	meanFrameBytes: number;
	/** Time the senders were held back by the in-flight limit, as a share of the send window. */
	throttledShare: number;
	lossExamples: string[];
	clientsMissing: number;
}

/** Senders send at a fixed offered rate for a while; every client must receive every message once. */
export async function runFanout(room: Room, options: FanoutOptions): Promise<FanoutResult> {
	const clients = room.clients;
	const senders = Math.min(options.senders, clients.length);
	const capacity = Math.ceil((options.rate * options.durationMs) / 1000) + 1;
	const phase = new Phase(clients.length, capacity);
	const outOfOrderBefore = room.outOfOrder;
	room.phase = phase;

	const start = performance.now();
	let nextSender = 0;
	let throttledTicks = 0;
	let ticks = 0;
	await new Promise<void>((resolve) => {
		const timer = setInterval(() => {
			const elapsed = performance.now() - start;
			const due = Math.min(capacity - 1, Math.floor((elapsed / 1000) * options.rate) + 1);
			ticks++;
			let throttled = false;
			while (phase.sent < due) {
				const sender = pickSender();
				if (sender < 0) {
					throttled = true;
					break;
				}
				const client = clients[sender];
				if (!client) break;
				const at = nowMicros();
				const message = phase.recordSend(sender, at);
				client.socket.send(room.frameFor(message, sender, at));
			}
			if (throttled) throttledTicks++;
			options.onProgress?.(phase, elapsed);
			if (elapsed >= options.durationMs) {
				clearInterval(timer);
				resolve();
			}
		}, 1);
	});

	// Round robin over senders that are under their in-flight limit; -1 if all are at it.
	function pickSender(): number {
		for (let tried = 0; tried < senders; tried++) {
			const sender = nextSender;
			nextSender = (nextSender + 1) % senders;
			if ((phase.inFlight.get(sender) ?? 0) < options.maxInFlightPerSender) return sender;
		}
		return -1;
	}

	const sendSeconds = (performance.now() - start) / 1000;
	const drainEnd = performance.now() + options.drainMs;
	while (phase.delivered < phase.expected && performance.now() < drainEnd) {
		await new Promise((resolve) => setTimeout(resolve, 10));
		options.onProgress?.(phase, performance.now() - start);
	}
	room.phase = null;

	const spanSeconds = Math.max((phase.lastArrivalAt - phase.firstSendAt) / 1e6, 1e-6);
	const losses = phase.lost > 0 ? phase.describeLosses() : { clientsMissing: 0, examples: [] };
	const result: FanoutResult = {
		clients: clients.length,
		senders,
		offeredPerSecond: options.rate,
		sentPerSecond: phase.sent / sendSeconds,
		sent: phase.sent,
		rejected: phase.rejected.size,
		expected: phase.expected,
		delivered: phase.delivered,
		lost: phase.lost,
		duplicates: phase.duplicates,
		strays: phase.strays,
		outOfOrder: room.outOfOrder - outOfOrderBefore,
		deliveriesPerSecond: phase.delivered / spanSeconds,
		offeredDeliveriesPerSecond: options.rate * clients.length,
		latencyMs: {
			p50: phase.latency.getValueAtPercentile(50) / 1000,
			p95: phase.latency.getValueAtPercentile(95) / 1000,
			p99: phase.latency.getValueAtPercentile(99) / 1000,
			max: phase.latency.maxValue / 1000,
			mean: phase.latency.mean / 1000,
		},
		meanFrameBytes: phase.delivered > 0 ? phase.bytes / phase.delivered : 0,
		throttledShare: ticks > 0 ? throttledTicks / ticks : 0,
		lossExamples: losses.examples,
		clientsMissing: losses.clientsMissing,
	};
	phase.latency.destroy();
	return result;
}
