import { build } from "hdr-histogram-js";
import type { Room } from "./room.ts";

export interface JoinResult {
	requested: number;
	joined: number;
	failed: number;
	/** Failure reasons and how often each was seen. */
	failures: Record<string, number>;
	seconds: number;
	perSecond: number;
	/** Time of one join (token + WebSocket upgrade + ready), in milliseconds. */
	latencyMs: { p50: number; p99: number; max: number };
	concurrency: number;
	timedOut: boolean;
}

/**
 * Joins `count` clients, keeping `concurrency` joins in flight: as fast as the server takes them.
 * Every join is bounded by `joinTimeoutMs` and the whole by `deadlineMs`; failures are counted,
 * not retried, so the figure is what a crowd would see.
 */
export async function joinClients(
	room: Room,
	count: number,
	options: {
		concurrency: number;
		joinTimeoutMs: number;
		deadlineMs: number;
		onProgress?: (joined: number) => void;
	},
): Promise<JoinResult> {
	const latency = build({ numberOfSignificantValueDigits: 3 });
	const failures: Record<string, number> = {};
	let next = room.clients.length;
	const end = next + count;
	let joined = 0;
	let failed = 0;
	const start = performance.now();
	const stopAt = start + options.deadlineMs;

	async function worker(): Promise<void> {
		while (next < end && performance.now() < stopAt) {
			const index = next++;
			const begun = performance.now();
			try {
				const client = await room.join(index, options.joinTimeoutMs);
				room.clients.push(client);
				latency.recordValue(Math.max(1, Math.round((performance.now() - begun) * 1000)));
				joined++;
			} catch (error) {
				failed++;
				const reason = error instanceof Error ? error.message : String(error);
				failures[reason] = (failures[reason] ?? 0) + 1;
			}
			options.onProgress?.(joined);
		}
	}

	await Promise.all(Array.from({ length: Math.min(options.concurrency, count) }, worker));
	const seconds = (performance.now() - start) / 1000;
	room.http.close();
	// Clients are kept in index order, so client.index is its slot in every phase ledger.
	room.clients.sort((a, b) => a.index - b.index);
	room.clients.forEach((client, slot) => {
		client.index = slot;
	});
	const result: JoinResult = {
		requested: count,
		joined,
		failed,
		failures,
		seconds,
		perSecond: joined / seconds,
		latencyMs: {
			p50: latency.getValueAtPercentile(50) / 1000,
			p99: latency.getValueAtPercentile(99) / 1000,
			max: latency.maxValue / 1000,
		},
		concurrency: options.concurrency,
		timedOut: next < end,
	};
	latency.destroy();
	return result;
}
