import type { RoomRun } from "../report/results.ts";
import type { ServerSpec } from "../servers/servers.ts";
import type { RunContext } from "./context.ts";
import { type PhasePlan, type RoomPlan, runRoom } from "./room.ts";

/**
 * The root's cost as its children grow: a chat of k + 1 sockets at ROOM_SHARD_CAPACITY 1 is the
 * root holding one socket (the sender's) and k shards holding one each. Every message is then one
 * SQLite write, one socket send in the root and k RPC calls (`deliver`), one per shard.
 *
 * Every object runs in one isolate on one thread here, so the process's CPU is the root's and
 * the shards' together; the root's share comes from a CPU profile of the isolate, each sample
 * given to the object whose code is on its stack (lib/attribution.ts).
 */
export interface TreeScalePlan {
	id: string;
	title: string;
	/** edgechat, straight to the runtime; its capacity var is set here. */
	server: ServerSpec;
	/** Numbers of shards to measure, one fresh server each. */
	children: number[];
	phase: PhasePlan;
	/**
	 * Batches (RPC calls to shards) per second at most: a step's rate is min(phase.rate, this /
	 * children), sending as many messages as the phase over a longer time, so that a large tree's
	 * latency is its fan-out and not a queue on this shared machine.
	 */
	maxBatchesPerSecond: number;
	/** Bound on one server's run. */
	deadlineMs: number;
	profileIntervalMicros: number;
}

export async function runTreeScale(plan: TreeScalePlan, context: RunContext): Promise<RoomRun[]> {
	const runs: RoomRun[] = [];
	for (const children of plan.children) {
		const room: RoomPlan = {
			id: plan.id,
			title: plan.title,
			servers: [],
			clients: children + 1,
			// One join at a time: concurrent upgrades may all pass a shard's capacity check before
			// any is admitted, and the tree would have fewer, fuller children than asked.
			joinConcurrency: 1,
			phases: [phaseFor(plan, children)],
			deadlineMs: plan.deadlineMs,
			profileAlways: true,
			profileIntervalMicros: plan.profileIntervalMicros,
		};
		const spec: ServerSpec = {
			...plan.server,
			vars: { ...plan.server.vars, ROOM_SHARD_CAPACITY: "1" },
			suffix: `${children} ${children === 1 ? "child" : "children"} of 1 socket`,
		};
		const run = await runRoom(room, spec, children + 1, context);
		if (run.objects !== undefined && run.objects !== children + 1)
			run.errors.push(
				`expected the root and ${children} shards to hold the chat, found ${run.objects} objects`,
			);
		runs.push(run);
	}
	return runs;
}

/** The phase of a step: the plan's, slower for large trees (see maxBatchesPerSecond). */
export function phaseFor(plan: TreeScalePlan, children: number): PhasePlan {
	const rate = Math.min(plan.phase.rate, plan.maxBatchesPerSecond / children);
	const messages = (plan.phase.rate * plan.phase.durationMs) / 1000;
	return { ...plan.phase, rate, durationMs: Math.round((messages / rate) * 1000) };
}

/** One tree-scale step as the report shows it; every figure per message sent in the paced phase. */
export interface TreeStep {
	children: number;
	messages: number;
	samples: number;
	/** What a sample stands for (the profile's median time between samples), ms. */
	sampleMs: number;
	/** Sampled time (samples x sampleMs) of the root: its own code and shared code with no owner (see treeMethod). */
	rootMs: number;
	shardMs: number;
	/** Sampled time with no JavaScript on the stack (native runtime work) or in GC: the root's or the shards'. */
	unattributedMs: number;
	/** Every non-idle sample. */
	isolateMs: number;
	/** The root's share of the non-idle samples. */
	rootShare: number;
	/** CPU of the busiest thread of the server (the one that runs the isolate), from /proc. */
	threadMs: number;
	/** The whole server process's CPU, from /proc, over the phase and its drain. */
	processMs: number;
	p50Ms: number;
	p99Ms: number;
}

/** The tree-scale steps of a run, fewest children first; runs without a profile are left out. */
export function treeSteps(rooms: RoomRun[], scenario: string): TreeStep[] {
	const steps: TreeStep[] = [];
	for (const run of rooms) {
		if (run.scenario !== scenario || run.objects === undefined) continue;
		const phase = run.phases[0];
		const counts = phase?.profile?.byObject;
		if (!phase || !counts || phase.sent === 0) continue;
		const sampleMs = counts.medianIntervalMicros / 1000;
		const per = (samples: number) => (samples * sampleMs) / phase.sent;
		const busy = counts.samples - counts.idle;
		const root = counts.root + counts.shared;
		const cpuMs = (cores: number) => (cores * phase.cpu.seconds * 1000) / phase.sent;
		steps.push({
			children: run.objects - 1,
			messages: phase.sent,
			samples: counts.samples,
			sampleMs,
			rootMs: per(root),
			shardMs: per(counts.shard),
			unattributedMs: per(counts.native + counts.garbageCollector + counts.otherJs),
			isolateMs: per(busy),
			rootShare: busy > 0 ? root / busy : 0,
			threadMs: cpuMs(phase.cpu.serverHottestThread.cores),
			processMs: cpuMs(phase.cpu.serverCores),
			p50Ms: phase.latencyMs.p50,
			p99Ms: phase.latencyMs.p99,
		});
	}
	return steps.sort((a, b) => a.children - b.children);
}

/** How the root's figure is obtained, printed under the table. */
export const treeMethod =
	"How: every object runs in one isolate on one thread here, so /proc cannot tell the root from its shards. " +
	"A CPU profile of that isolate (V8 sampling through the inspector) can: each sample goes to the object " +
	"whose code is outermost on its stack (worker/room/ and worker/sequencer/: the root; worker/shard/chat-shard.ts " +
	"and the modules only it uses: a shard), and shared socket code resumed after an await with no owner on its " +
	"stack goes to the root (only the root's socket sends here). workerd samples only while the isolate is " +
	"entered, so a sample stands for the median gap between samples; root ms = root samples x that gap. " +
	"unattr.: samples with no JavaScript on the stack (runtime work: RPC serialisation and dispatch, socket I/O) " +
	"and GC, the root's or the shards'; 'root+unattr.' is the root's figure if all of them were its own. " +
	"root of thread: the root's share of the busy samples x the CPU of the isolate's thread (/proc): an " +
	"estimate that splits the thread's unsampled work in the same proportion. Profiling slows the isolate; " +
	"the steps compare with each other, not with unprofiled runs.";
