import { withDeadline } from "../lib/time.ts";
import type { Percentiles } from "../report/results.ts";
import { type Server, stopServer } from "../servers/servers.ts";

/**
 * What the scenarios that measure inside one object share: a bounded run that always stops its
 * server, the object's JSON answers read field by field, a log seeded a transaction per request.
 */

/**
 * Runs `measure` within `deadlineMs`, records what it threw in `errors`, and always stops the
 * server: a scenario's failure is reported in its results, never left running.
 */
export async function measureBounded(
	server: Server,
	title: string,
	deadlineMs: number,
	errors: string[],
	measure: (server: Server) => Promise<void>,
): Promise<void> {
	try {
		await withDeadline(title, deadlineMs, measure(server));
	} catch (error) {
		errors.push(error instanceof Error ? error.message : String(error));
	} finally {
		await stopServer(server);
	}
}

/** Appends messages 1..`messages`, `batch` per request (one transaction each); returns the seconds taken. */
export async function seedLog(
	server: Server,
	seedPath: string,
	plan: { messages: number; batch: number },
	onProgress: (seeded: number) => void,
): Promise<number> {
	const began = performance.now();
	for (let from = 1; from <= plan.messages; from += plan.batch) {
		const count = Math.min(plan.batch, plan.messages - from + 1);
		await getJson(server, `${seedPath}?from=${from}&count=${count}`);
		onProgress(from + count - 1);
	}
	return (performance.now() - began) / 1000;
}

export async function getJson(server: Server, path: string, timeoutMs = 60_000): Promise<unknown> {
	const response = await fetch(`${server.origin}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
	if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
	return response.json();
}

export function fieldOf(value: unknown, name: string): unknown {
	return typeof value === "object" && value !== null ? Reflect.get(value, name) : undefined;
}

export function numberOf(value: unknown, name: string): number {
	const property = fieldOf(value, name);
	if (typeof property !== "number") throw new Error(`no number "${name}" in ${JSON.stringify(value)}`);
	return property;
}

export function numbers(value: unknown): number[] {
	if (!Array.isArray(value)) throw new Error(`not a list of numbers: ${JSON.stringify(value)}`);
	return value.filter((entry): entry is number => typeof entry === "number");
}

/** p50, p99 and max of readings (each the nearest reading at or below its rank). */
export function percentiles(values: number[]): Percentiles {
	const sorted = [...values].sort((a, b) => a - b);
	const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0;
	return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}
