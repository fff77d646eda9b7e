import { beforeAll, beforeEach } from "vitest";
import type { TestSocket } from "./helpers";

export type LogLine = Record<string, unknown>;

/**
 * Captures every console line the Worker and the chat's objects write while a test runs: in
 * workerd the objects run in the test's isolate, so their lines arrive here too. Call at the top
 * of a file; the returned object reads what the current test captured.
 */
export function captureLogs() {
	const captured = { lines: [] as string[] };
	// The console is wrapped once per file and never unwrapped: the chat's objects go on writing
	// after a test ends (closing sockets are reported), and swapping console methods back while
	// they do so has left the workers pool unable to shut down. Each line still reaches the console.
	beforeAll(() => {
		for (const method of ["log", "warn", "error", "info", "debug"] as const) {
			const original = console[method].bind(console);
			console[method] = (...args: unknown[]) => {
				captured.lines.push(args.map((arg) => (typeof arg === "string" ? arg : String(arg))).join(" "));
				original(...args);
			};
		}
	});
	beforeEach(() => {
		captured.lines = [];
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
		/** Which objects admitted a chat's tokens so far: how many its root did, how many its shards. */
		tokensAdmitted(chatId: string): { root: number; shard: number } {
			const lines = this.events("metric").filter((line) => line.metric === "token" && line.chatId === chatId);
			return {
				root: lines.filter((line) => line.detail === "root").length,
				shard: lines.filter((line) => line.detail === "shard").length,
			};
		},
		/** Closes the sockets and waits until the objects holding them have answered each close. */
		async closeAll(sockets: TestSocket[], timeoutMs = 3000): Promise<void> {
			for (const socket of sockets) socket.close();
			await this.until(() => sockets.every((socket) => socket.closed !== null), "the closes", timeoutMs);
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
