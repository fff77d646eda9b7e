import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Profile } from "./profile.ts";

/**
 * Which of a chat's objects a CPU profile's time belongs to. Every Durable Object of a Worker runs
 * in the same isolate, on the same thread, in local workerd: the process's CPU cannot tell the
 * root from its shards, but each sample's stack can. The bundle is one file; esbuild marks where
 * each source module starts (`// worker/room/fanout.ts`), so a frame's line names its module.
 *
 * A sample belongs to the object whose code is outermost on its stack: the root's (worker/room/,
 * worker/sequencer/), a shard's (worker/shard/chat-shard.ts and the modules only it uses) or the
 * Worker's (worker/http/, worker/routing/, worker/auth/, worker/index.ts). Code both kinds of
 * object run (the socket hub, frame handling, the protocol, zod) belongs to whoever called it;
 * resumed alone after an `await`, with no owner on its stack, it is counted as "shared". Samples
 * with no JavaScript on the stack (V8's "(program)": the runtime's own work, RPC serialisation on
 * the receiving side, socket I/O) and the garbage collector cannot be attributed at all.
 */
export interface ObjectSamples {
	/** Samples per owner; their sum is `samples`. */
	root: number;
	shard: number;
	worker: number;
	shared: number;
	/** JavaScript of the bundle's libraries or of no known module, outermost (should be ~0). */
	otherJs: number;
	native: number;
	garbageCollector: number;
	idle: number;
	samples: number;
	/**
	 * The median time between two samples, in µs. workerd's profiler samples only while the
	 * isolate is entered (the gaps between turns are one long time delta), so a sample stands for
	 * about this much of the isolate's busy time, whatever the interval asked.
	 */
	medianIntervalMicros: number;
	/**
	 * The functions the root's and the shards' samples were in (self: the leaf frame, native
	 * calls such as an RPC stub's method named as they appear), most samples first.
	 */
	top?: { root: { name: string; samples: number }[]; shard: { name: string; samples: number }[] };
}

type Owner = "root" | "shard" | "worker";

const owners: { prefix: string; owner: Owner }[] = [
	{ prefix: "worker/room/", owner: "root" },
	{ prefix: "worker/sequencer/", owner: "root" },
	{ prefix: "worker/directory/", owner: "root" },
	{ prefix: "worker/shard/chat-shard.ts", owner: "shard" },
	{ prefix: "worker/shard/fanout-inbox.ts", owner: "shard" },
	{ prefix: "worker/shard/local-presence.ts", owner: "shard" },
	{ prefix: "worker/shard/online-mirror.ts", owner: "shard" },
	{ prefix: "worker/shard/chat-copy.ts", owner: "shard" },
	{ prefix: "worker/shard/root-link.ts", owner: "shard" },
	{ prefix: "worker/shard/root-attach.ts", owner: "shard" },
	{ prefix: "worker/shard/noted-report.ts", owner: "shard" },
	{ prefix: "worker/shard/shard-upgrade.ts", owner: "shard" },
	{ prefix: "worker/http/", owner: "worker" },
	{ prefix: "worker/routing/", owner: "worker" },
	{ prefix: "worker/auth/", owner: "worker" },
	{ prefix: "worker/index.ts", owner: "worker" },
];

/** Start lines (0-based) of each module in a bundle, ascending, from esbuild's markers. */
export function moduleStarts(bundleSource: string): { line: number; module: string }[] {
	const starts: { line: number; module: string }[] = [];
	const lines = bundleSource.split("\n");
	for (const [line, text] of lines.entries()) {
		const match = /^\/\/ ((?:\.\.\/)*)((?:worker|node_modules)\/\S+\.(?:ts|js|mjs|cjs))$/.exec(text);
		if (match?.[2]) starts.push({ line, module: match[2] });
	}
	return starts;
}

function moduleAt(starts: { line: number; module: string }[], line: number): string | null {
	let low = 0;
	let high = starts.length - 1;
	let found: string | null = null;
	while (low <= high) {
		const middle = (low + high) >> 1;
		const start = starts[middle];
		if (!start) break;
		if (start.line <= line) {
			found = start.module;
			low = middle + 1;
		} else high = middle - 1;
	}
	return found;
}

function ownerOf(module: string): Owner | null {
	return owners.find((entry) => module.startsWith(entry.prefix))?.owner ?? null;
}

/** Attributes every sample of `profile` to an object of the chat; `bundlePath` is the bundle it ran. */
export function attributeToObjects(profile: Profile, bundlePath: string): ObjectSamples {
	const starts = moduleStarts(readFileSync(bundlePath, "utf8"));
	const bundleFile = basename(bundlePath);
	const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
	const parents = new Map<number, number>();
	for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

	/** Each leaf's owner once: many samples share a leaf. */
	const classified = new Map<number, Bucket>();
	const classify = (leaf: number): Bucket => {
		const known = classified.get(leaf);
		if (known) return known;
		let owner: Owner | null = null;
		let inBundle = false;
		let result: Bucket;
		const leafName = nodes.get(leaf)?.callFrame.functionName;
		if (leafName === "(idle)") result = "idle";
		else if (leafName === "(garbage collector)") result = "garbageCollector";
		else {
			for (let at: number | undefined = leaf; at !== undefined; at = parents.get(at)) {
				const frame = nodes.get(at)?.callFrame;
				if (!frame?.url || frame.url.split("/").pop() !== bundleFile) continue;
				inBundle = true;
				const module = moduleAt(starts, frame.lineNumber);
				const frameOwner = module === null ? null : ownerOf(module);
				// Walking outwards: the last owner seen is the outermost.
				if (frameOwner !== null) owner = frameOwner;
			}
			if (owner !== null) result = owner;
			else if (inBundle) result = sharedOnly(leaf) ? "shared" : "otherJs";
			else result = "native";
		}
		classified.set(leaf, result);
		return result;
	};
	/** Whether the stack's bundle frames are all edgechat's own modules (shared ones), not libraries only. */
	const sharedOnly = (leaf: number): boolean => {
		for (let at: number | undefined = leaf; at !== undefined; at = parents.get(at)) {
			const frame = nodes.get(at)?.callFrame;
			if (!frame?.url || frame.url.split("/").pop() !== bundleFile) continue;
			if (moduleAt(starts, frame.lineNumber)?.startsWith("worker/")) return true;
		}
		return false;
	};

	const counts: ObjectSamples = {
		root: 0,
		shard: 0,
		worker: 0,
		shared: 0,
		otherJs: 0,
		native: 0,
		garbageCollector: 0,
		idle: 0,
		samples: profile.samples.length,
		medianIntervalMicros: median(profile.timeDeltas ?? []),
	};
	const leaves = { root: new Map<string, number>(), shard: new Map<string, number>() };
	for (const leaf of profile.samples) {
		const bucket = classify(leaf);
		counts[bucket]++;
		if (bucket !== "root" && bucket !== "shard") continue;
		const frame = nodes.get(leaf)?.callFrame;
		const module = frame?.url ? moduleAt(starts, frame.lineNumber) : null;
		const name = `${frame?.functionName || "(anonymous)"}${module ? ` ${module}` : " (native)"}`;
		leaves[bucket].set(name, (leaves[bucket].get(name) ?? 0) + 1);
	}
	const ranked = (found: Map<string, number>) =>
		[...found]
			.sort((a, b) => b[1] - a[1])
			.slice(0, 8)
			.map(([name, samples]) => ({ name, samples }));
	counts.top = { root: ranked(leaves.root), shard: ranked(leaves.shard) };
	return counts;
}

type Bucket = Exclude<keyof ObjectSamples, "samples" | "medianIntervalMicros" | "top">;

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
