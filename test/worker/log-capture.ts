import { afterEach, beforeEach, vi } from "vitest";

export type LogLine = Record<string, unknown>;

/**
 * Captures every console line the Worker and the chat's objects write while a test runs: in
 * workerd the objects run in the test's isolate, so their lines arrive here too. Call at the top
 * of a file; the returned object reads what the current test captured.
 */
export function captureLogs() {
	const captured = { lines: [] as string[] };
	beforeEach(() => {
		captured.lines = [];
		for (const method of ["log", "warn", "error", "info", "debug"] as const) {
			vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
				captured.lines.push(args.map((arg) => (typeof arg === "string" ? arg : String(arg))).join(" "));
			});
		}
	});
	afterEach(() => {
		vi.restoreAllMocks();
	});
	return {
		get lines(): string[] {
			return captured.lines;
		},
		/** The structured lines of one event kind, in the order they were written. */
		events(kind: string): LogLine[] {
			return captured.lines.flatMap((line) => {
				const parsed = parseLine(line);
				return parsed && parsed.event === kind ? [parsed] : [];
			});
		},
		/** Waits until `predicate` holds over what was captured, or fails after `timeoutMs`. */
		async until(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
			const deadline = Date.now() + timeoutMs;
			while (!predicate()) {
				if (Date.now() > deadline) {
					throw new Error(`timed out waiting for ${what}; lines:\n${captured.lines.join("\n")}`);
				}
				await new Promise((resolve) => setTimeout(resolve, 10));
			}
		},
	};
}

function parseLine(line: string): LogLine | null {
	try {
		const parsed: unknown = JSON.parse(line);
		if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
		return Object.fromEntries(Object.entries(parsed));
	} catch {
		return null;
	}
}
