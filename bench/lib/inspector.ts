/// <reference path="./chrome-remote-interface.d.ts" />
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import CDP from "chrome-remote-interface";
import type { ObjectSamples } from "./attribution.ts";
import type { CallFrame, Profile } from "./profile.ts";

/**
 * A CPU profile of the Worker's isolate, taken through the V8 inspector (the Chrome DevTools
 * protocol) that `wrangler dev` and direct-host.ts open on --inspector-port. It answers what the
 * runtime's busy thread spends its time on: our code, JSON, WebSocket sends, the garbage collector.
 * chrome-remote-interface lists the targets and carries the protocol's calls and events; what is
 * ours is which isolate to pick, the calls the bench makes, and the profile's summary.
 */

export interface ProfileSummary {
	samples: number;
	/** Share of samples in each of V8's pseudo-frames: idle, (program) = native runtime work, GC. */
	idle: number;
	program: number;
	garbageCollector: number;
	/** Functions by self time (their own code, not their callees), share of all samples. */
	self: { name: string; share: number }[];
	/** Our functions by inclusive time (on the stack at all), share of all samples. */
	inclusive: { name: string; share: number }[];
	/** edgechat: the profile's samples by the chat's object that ran them (see lib/attribution.ts). */
	byObject?: ObjectSamples;
	/** The sampling interval asked of V8, in microseconds (absent in older results: 500). */
	intervalMicros?: number;
}

export type { CallFrame, Profile, ProfileNode } from "./profile.ts";

export class InspectorSession {
	private readonly client: CDP.Client;

	private constructor(client: CDP.Client) {
		this.client = client;
	}

	/**
	 * Connects to the user Worker's isolate among the targets the inspector lists at
	 * http://127.0.0.1:<port>/json/list. The runtime started straight from Miniflare lists every
	 * isolate it runs (the static-assets router, Miniflare's own helpers); the user Worker's id
	 * starts with `core:user:` there. wrangler dev lists the user Worker first.
	 */
	static async open(port: number): Promise<InspectorSession> {
		const client = await CDP({
			host: "127.0.0.1",
			port,
			// workerd does not serve /json/protocol: use the protocol description the package ships.
			local: true,
			target: (targets) => {
				const userWorker = targets.find((target) => target.id.startsWith("core:user:")) ?? targets[0];
				if (!userWorker) throw new Error("the inspector lists no target");
				return userWorker;
			},
		});
		return new InspectorSession(client);
	}

	/** Calls `listener` with the params of every `method` event from now on (e.g. Runtime.consoleAPICalled). */
	on(method: string, listener: (params: unknown) => void): void {
		this.client.on(method, listener);
	}

	/** One call of the protocol; it fails if the runtime does not answer within `timeoutMs`. */
	async call(method: string, params: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<unknown> {
		let timer: NodeJS.Timeout | undefined;
		const late = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`${method}: no answer within ${timeoutMs} ms`)), timeoutMs);
		});
		try {
			return await Promise.race([this.client.send(method, params), late]);
		} finally {
			clearTimeout(timer);
		}
	}

	async startProfile(intervalMicros = 500): Promise<void> {
		await this.call("Profiler.enable");
		await this.call("Profiler.setSamplingInterval", { interval: intervalMicros });
		await this.call("Profiler.start");
	}

	/** Stops the profiler; the whole profile is written to `path` as a .cpuprofile file. */
	async stopProfile(path: string): Promise<ProfileSummary> {
		return summarise(await this.stopProfileWhole(path));
	}

	/** As stopProfile, returning the whole profile (for attribution by object, lib/attribution.ts). */
	async stopProfileWhole(path: string): Promise<Profile> {
		const result = await this.call("Profiler.stop", {}, 60_000);
		const profile: unknown =
			typeof result === "object" && result !== null ? Reflect.get(result, "profile") : undefined;
		if (!isProfile(profile)) throw new Error("the inspector returned no profile");
		mkdirSync(dirname(path), { recursive: true });
		writeFileSync(path, JSON.stringify(profile));
		return profile;
	}

	/**
	 * The isolate's heap in use, in bytes: JavaScript objects, and the runtime's own C++ objects
	 * that JavaScript holds (WebSockets and their attachments). workerd's inspector does not
	 * answer HeapProfiler.collectGarbage, so this includes garbage not yet collected.
	 * `committedBytes` is the heap's whole size, free space included: what V8 holds from the OS.
	 */
	async heapUsage(): Promise<{ jsBytes: number; embedderBytes: number; committedBytes: number }> {
		const usage = await this.call("Runtime.getHeapUsage");
		const read = (name: string): number => {
			const value: unknown =
				typeof usage === "object" && usage !== null ? Reflect.get(usage, name) : undefined;
			return typeof value === "number" ? value : 0;
		};
		return {
			jsBytes: read("usedSize"),
			embedderBytes: read("embedderHeapUsedSize"),
			committedBytes: read("totalSize"),
		};
	}

	close(): void {
		void this.client.close();
	}
}

function isProfile(value: unknown): value is Profile {
	if (typeof value !== "object" || value === null) return false;
	return Array.isArray(Reflect.get(value, "nodes")) && Array.isArray(Reflect.get(value, "samples"));
}

function frameName(frame: CallFrame): string {
	const file = frame.url.split("/").pop() ?? "";
	return file
		? `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`
		: frame.functionName || "(native)";
}

const top = 15;

export function summarise(profile: Profile): ProfileSummary {
	const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
	const parents = new Map<number, number>();
	for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
	const self = new Map<string, number>();
	const inclusive = new Map<string, number>();
	const total = Math.max(profile.samples.length, 1);
	for (const id of profile.samples) {
		const node = nodes.get(id);
		if (!node) continue;
		const name = frameName(node.callFrame);
		self.set(name, (self.get(name) ?? 0) + 1);
		// Inclusive time of the bundle's own functions (the Worker's code and its libraries).
		const seen = new Set<string>();
		for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
			const frame = nodes.get(at)?.callFrame;
			if (!frame?.url) continue;
			const key = frameName(frame);
			if (seen.has(key)) continue;
			seen.add(key);
			inclusive.set(key, (inclusive.get(key) ?? 0) + 1);
		}
	}
	const share = (name: string) => (self.get(name) ?? 0) / total;
	const ranked = (counts: Map<string, number>) =>
		[...counts]
			.sort((a, b) => b[1] - a[1])
			.slice(0, top)
			.map(([name, count]) => ({ name, share: count / total }));
	return {
		samples: profile.samples.length,
		idle: share("(idle)"),
		program: share("(program)"),
		garbageCollector: share("(garbage collector)"),
		self: ranked(self),
		inclusive: ranked(inclusive),
	};
}
