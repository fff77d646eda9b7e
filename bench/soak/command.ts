import { InspectorSession } from "../lib/inspector.ts";
import type { Progress } from "../lib/progress.ts";
import { sleep } from "../lib/time.ts";
import { startServer, stopServer, type Workspace } from "../servers/servers.ts";
import { SoakApi, type SoakChat } from "./chats.ts";
import { newCounters } from "./member.ts";
import { Mix, type MixName, mixes } from "./mix.ts";
import { type SoakResults, soakFailures } from "./results.ts";
import { growthOf, Sampler, type SoakSample } from "./samples.ts";
import { verifyChats } from "./verify.ts";

export interface SoakOptions {
	workspace: Workspace;
	progress: Progress;
	seconds: number;
	command: string;
	seed?: number;
	mix?: MixName;
	/** ROOM_SHARD_CAPACITY; above 200 the "spread" chat stays in its root, for comparison. */
	shardCapacity?: number;
}

/** The spread chat: sockets over objects of `shardCapacity`; and the small chats beside it. */
export const soakShape = { spread: 200, shardCapacity: 50, small: [20, 20, 20, 20] };

/** Where the soak runs: straight to workerd, as a deployed chat runs, with no dev proxy in front. */
export const serverNote =
	"edgechat straight in workerd (bench/servers/direct-host.ts, Miniflare's API): no wrangler dev proxy, " +
	"and so no local request tracing or per-request log lines (logRequests off); the Worker's own " +
	"structured logs still go to the server's log";

/**
 * `npm run bench -- --soak`: a realistic mix for `seconds` against one runtime, sampling its
 * memory and the Worker isolate's heap, then every delivery and every acknowledged send checked.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResults> {
	const { progress } = options;
	const seed = options.seed ?? 15;
	const rates = mixes[options.mix ?? "all"];
	const sampleEverySeconds = Math.round(Math.min(30, Math.max(2, options.seconds / 12)));
	progress.log(`soak: ${options.seconds} s, a sample every ${sampleEverySeconds} s; ${serverNote}`);
	const spec = {
		kind: "edgechat",
		transport: "direct",
		suffix: "soak",
		// Tokens outlive the run, however long: a refresh is not what the soak measures.
		vars: {
			ROOM_SHARD_CAPACITY: String(options.shardCapacity ?? soakShape.shardCapacity),
			TOKEN_TTL_SECONDS: "172800",
		},
	} as const;
	const server = await startServer(spec, options.workspace, { inspector: true });
	const counters = newCounters();
	const api = new SoakApi(server.origin, counters);
	let inspector: InspectorSession | null = null;
	let inspectorTargets: string[] = [];
	const failures: string[] = [];
	try {
		if (server.inspectorPort !== undefined) {
			inspectorTargets = await listTargets(server.inspectorPort);
			inspector = await InspectorSession.open(server.inspectorPort).catch((error: unknown) => {
				failures.push(`inspector: ${error instanceof Error ? error.message : String(error)}`);
				return null;
			});
		}
		const chats: SoakChat[] = [await api.createChat("soak spread", soakShape.spread)];
		for (const [at, size] of soakShape.small.entries())
			chats.push(await api.createChat(`soak small ${at + 1}`, size));
		const mix = new Mix(api, chats, rates, seed);
		await mix.fill();
		progress.log(`soak: ${mix.sockets} sockets in ${chats.length} chats; mix running`);

		const sampler = new Sampler(
			{
				serverPid: server.child.pid,
				inspector,
				counters,
				sockets: () => mix.sockets,
				historyReads: () => api.historyReads,
			},
			(sample) => progress.log(describe(sample)),
		);
		await sampler.start(sampleEverySeconds * 1000);
		const started = performance.now();
		await mix.run(options.seconds * 1000);
		sampler.stop();
		// The last sample at the mix's end, unless the timer has just taken one.
		const lastAt = sampler.samples.at(-1)?.atSeconds ?? 0;
		if ((performance.now() - started) / 1000 - lastAt > 1) await sampler.take();
		const mixSeconds = (performance.now() - started) / 1000;
		await mix.drain(15_000);
		const objects = await Promise.all(chats.map((chat) => api.objects(chat)));
		progress.log("soak: mix stopped; checking every delivery against the stored history");
		const verdicts = await verifyChats(api, chats, 15_000);
		for (const chat of chats) for (const member of chat.members) member.disconnect(true);
		await sleep(200);

		const samples = sampler.samples;
		const partial: Omit<SoakResults, "failures"> = {
			meta: {
				date: new Date().toISOString(),
				command: options.command,
				seconds: options.seconds,
				mixSeconds,
				sampleEverySeconds,
				server: serverNote,
				vars: spec.vars,
				rates,
				seed,
				inspectorTargets,
			},
			chats: chats.map((chat, at) => ({ name: chat.name, sockets: chat.size, objects: objects[at] ?? null })),
			samples,
			growth: growthOf(samples),
			counters,
			mix: mix.counts,
			history: { ...api.readLatency(), errors: api.historyErrors },
			verdicts,
		};
		return { ...partial, failures: [...failures, ...soakFailures(partial)] };
	} finally {
		inspector?.close();
		api.close();
		await stopServer(server);
	}
}

/**
 * The isolates the runtime's inspector lists (the user Worker's id starts with `core:user:`; the
 * heap figures come from the first of those, see lib/inspector.ts), for the report.
 */
async function listTargets(port: number): Promise<string[]> {
	try {
		const response = await fetch(`http://127.0.0.1:${port}/json`, { signal: AbortSignal.timeout(5000) });
		const listed: unknown = await response.json();
		return Array.isArray(listed)
			? listed.map((target: unknown) =>
					String(typeof target === "object" && target !== null ? Reflect.get(target, "id") : target),
				)
			: [];
	} catch {
		return [];
	}
}

const mib = (bytes: number | null) => (bytes === null ? "-" : `${(bytes / 2 ** 20).toFixed(1)} MiB`);

function describe(sample: SoakSample): string {
	const { counters } = sample;
	return (
		`soak ${sample.atSeconds.toFixed(0)} s: workerd RSS ${mib(sample.workerdRssBytes)}, heap ${mib(sample.heapUsedBytes)}, ` +
		`${sample.sockets} sockets, ${(sample.serverCores * 100).toFixed(0)}% of a core; sent ${counters.sent}, ` +
		`acked ${counters.acked}, delivered ${counters.delivered}, history reads ${counters.historyReads}`
	);
}
