import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { InspectorSession } from "./inspector.ts";

/**
 * Counts how often the Worker's isolate runs chosen lines of the bundle (a Durable Object's
 * constructor: a wake; a shard's `deliver`: one RPC call from the root), without changing the
 * Worker: logpoints, as browser developer tools set them. A breakpoint whose condition logs a
 * marker and answers false never pauses; the log arrives here as a Runtime.consoleAPICalled
 * event. edgechat's root counts its own wakes in its diagnostics; its shards keep no such count,
 * and this is how the bench sees them.
 */
export interface Logpoint {
	/** Name of the count, e.g. "ChatShard constructed". */
	name: string;
	/** 0-based line of the bundle, found by the helpers below. */
	line: number;
}

export class LogpointCounter {
	private readonly counts = new Map<string, number>();
	private readonly names: string[];

	private constructor(names: string[]) {
		this.names = names;
	}

	static async attach(
		session: InspectorSession,
		bundlePath: string,
		points: Logpoint[],
	): Promise<LogpointCounter> {
		const counter = new LogpointCounter(points.map((point) => point.name));
		session.on("Runtime.consoleAPICalled", (params) => counter.onConsole(params));
		await session.call("Runtime.enable");
		await session.call("Debugger.enable");
		const file = basename(bundlePath).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
		for (const point of points) {
			const set = await session.call("Debugger.setBreakpointByUrl", {
				urlRegex: `(^|/)${file}$`,
				lineNumber: point.line,
				condition: `console.log(${JSON.stringify(marker(point.name))}), false`,
			});
			const locations: unknown = typeof set === "object" && set !== null ? Reflect.get(set, "locations") : [];
			if (!Array.isArray(locations) || locations.length === 0)
				throw new Error(`the logpoint "${point.name}" (bundle line ${point.line + 1}) did not resolve`);
		}
		return counter;
	}

	/** How often each logpoint ran since the counter was attached. */
	snapshot(): Record<string, number> {
		return Object.fromEntries(this.names.map((name) => [name, this.counts.get(name) ?? 0]));
	}

	count(name: string): number {
		return this.counts.get(name) ?? 0;
	}

	private onConsole(params: unknown): void {
		const args: unknown = typeof params === "object" && params !== null ? Reflect.get(params, "args") : null;
		const first: unknown = Array.isArray(args) ? args[0] : null;
		const value: unknown = typeof first === "object" && first !== null ? Reflect.get(first, "value") : null;
		for (const name of this.names) {
			if (value === marker(name)) this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
		}
	}
}

function marker(name: string): string {
	return `edgechat-bench: ${name}`;
}

/** The bundle's lines, for the line finders. */
export function bundleLines(bundlePath: string): string[] {
	return readFileSync(bundlePath, "utf8").split("\n");
}

/** Where esbuild declares `name` (`var Name = class extends ...`) and where its body ends. */
function classSpan(lines: string[], name: string): { start: number; end: number } {
	const start = lines.findIndex((text) => text.startsWith(`var ${name} = class extends `));
	if (start < 0) throw new Error(`class ${name} not found in the bundle`);
	let end = start + 1;
	while (end < lines.length && !/^};?$/.test(lines[end] ?? "")) end++;
	return { start, end };
}

/** 0-based line of the statement after `super(` in `name`'s constructor. */
export function constructorLine(lines: string[], name: string): number {
	const { start, end } = classSpan(lines, name);
	for (let line = start + 1; line < end; line++) if (/^\s*super\(/.test(lines[line] ?? "")) return line + 1;
	throw new Error(`no constructor with super() found in ${name}`);
}

/** 0-based line of the first statement of method `method` of class `name`. */
export function methodLine(lines: string[], name: string, method: string): number {
	const { start, end } = classSpan(lines, name);
	const head = new RegExp(`^\\s*(?:async\\s+)?${method}\\(.*\\)\\s*{$`);
	for (let line = start + 1; line < end; line++) if (head.test(lines[line] ?? "")) return line + 1;
	throw new Error(`no method ${method} found in ${name}`);
}
