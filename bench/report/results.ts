import type { FanoutResult } from "../generator/fanout.ts";
import type { JoinResult } from "../generator/join.ts";
import type { FrameCounts } from "../generator/room.ts";
import type { ProfileSummary } from "../lib/inspector.ts";
import type { IntervalUse } from "../lib/proc.ts";
import type { Server, ServerKind, Transport } from "../servers/servers.ts";

/** Everything one run measured: written to docs/bench/results.json and drawn in chart.svg. */
export interface Results {
	meta: RunMeta;
	rooms: RoomRun[];
	idle: IdleRun[];
	history: HistoryRun[];
	/** Absent in results written before search existed. */
	search?: SearchRun[];
	ceilings: CeilingFinding[];
	targets: TargetCheck[];
	/** Why the run failed (lost or duplicated deliveries, errors); empty when it passed. */
	failures: string[];
}

export interface RunMeta {
	date: string;
	command: string;
	quick: boolean;
	durationSeconds: number;
	/** Cores other work used just before each server started (measured while the bench idled). */
	backgroundCoresBeforeServers: number[];
	gitCommit: string;
	node: string;
	wrangler: string;
	cpuModel: string;
	cores: number;
	memoryGiB: number;
	openFileLimit: number;
	/** Whether the local runtime traced every call, through wrangler dev and straight to it (absent in older results: on through dev, off direct). */
	localTracing?: { wranglerDev: boolean; direct: boolean };
}

export interface CpuFigures {
	seconds: number;
	/** Cores used by the whole server process tree (1 = one core busy). */
	serverCores: number;
	serverHottestThread: { name: string; cores: number };
	serverByProcess: { name: string; cores: number }[];
	/** Share of the server's CPU time spent in the kernel (socket writes, loopback TCP). */
	serverKernelShare: number;
	generatorCores: number;
	generatorHottestThread: { name: string; cores: number };
	/** Cores other work on the machine used meanwhile (noise). */
	otherCores: number;
}

export function cpuFigures(use: IntervalUse): CpuFigures {
	return {
		seconds: use.seconds,
		serverCores: use.server.cores,
		serverHottestThread: use.server.hottestThread,
		serverByProcess: use.server.byProcess.filter((process) => process.cores >= 0.005),
		serverKernelShare: use.server.kernelShare,
		generatorCores: use.generator.cores,
		generatorHottestThread: use.generator.hottestThread,
		otherCores: use.otherCores,
	};
}

/** CPU figures of an interval nothing was measured in (a scenario that failed early). */
export function noCpu(): CpuFigures {
	return {
		seconds: 0,
		serverCores: 0,
		serverHottestThread: { name: "-", cores: 0 },
		serverByProcess: [],
		serverKernelShare: 0,
		generatorCores: 0,
		generatorHottestThread: { name: "-", cores: 0 },
		otherCores: 0,
	};
}

export interface ServerIdentity {
	scenario: string;
	server: string;
	kind: ServerKind;
	transport: Transport;
	/** edgechat without the static-assets router in front of it (see ServerSpec.apiOnly). */
	apiOnly?: boolean;
	/** Vars the server ran with beyond the bench's own (see ServerSpec.vars). */
	vars?: Record<string, string>;
}

/** Who a run measured: its scenario, and the server as it was started. */
export function identify(scenario: string, server: Server): ServerIdentity {
	return {
		scenario,
		server: server.label,
		kind: server.kind,
		transport: server.transport,
		...(server.apiOnly && { apiOnly: true }),
		...(server.vars && { vars: server.vars }),
	};
}

export interface MemoryFigures {
	/** Server tree, started, room open, no client. */
	rssBeforeBytes: number;
	/** Server tree with every client connected and presence settled. */
	rssConnectedBytes: number;
	perConnectionBytes: number;
	/** The same per process of the server (the dev proxy and the runtime are separate workerd processes). */
	perConnectionByProcess: { name: string; bytes: number }[];
}

export interface FileFigures {
	/** Descriptors each process of the server gained per socket. */
	perSocket: { name: string; perSocket: number; held: number; limit: number }[];
	/** Sockets the server could hold before its tightest process reaches its open-file limit. */
	ceiling: number;
	limitedBy: string;
}

export interface PhaseRun extends FanoutResult {
	name: string;
	cpu: CpuFigures;
	/** What most likely held this phase's figures back (see report/limits.ts). */
	limitedBy: string;
	/** With --profile: where the Worker's isolate spent this phase. */
	profile?: ProfileSummary;
}

export interface RoomRun extends ServerIdentity {
	/** 1, or 2 for a scenario's second round (see RoomPlan.repeat). */
	round: number;
	clients: number;
	join: JoinResult & { cpu: CpuFigures; limitedBy: string; profile?: ProfileSummary };
	memory: MemoryFigures;
	files: FileFigures;
	/**
	 * edgechat: objects holding the chat's sockets once everyone joined (its diagnostics: the root
	 * and its shards); absent for the baselines and in older results.
	 */
	objects?: number;
	phases: PhaseRun[];
	/** Frames other than bench messages that clients received (ready, presence...), and their bytes. */
	otherFrames: FrameCounts;
	otherBytes: FrameCounts;
	errors: string[];
}

/** Server CPU time over a phase (its drain included) per message sent, in ms. */
export function cpuPerMessageMs(phase: PhaseRun): number {
	return phase.sent > 0 ? (phase.cpu.serverCores * phase.cpu.seconds * 1000) / phase.sent : 0;
}

/** A room scenario's name in tables and charts: its id, and "#2" for its second round. */
export function scenarioName(run: { scenario: string; round: number }): string {
	return run.round > 1 ? `${run.scenario} #${run.round}` : run.scenario;
}

export interface IdleRun extends ServerIdentity {
	clients: number;
	join: JoinResult;
	idleSeconds: number;
	pingsSent: number;
	pongs: number;
	/** Frames other than pong that reached clients during the idle period, by type. */
	framesDuringIdle: FrameCounts;
	/** Times the room was woken during the idle period; null when the server cannot tell. */
	wakeups: number | null;
	/** Whether the room was hibernated (evicted) when the idle period ended. */
	hibernatedAtEnd: boolean | null;
	wakeSource: string;
	/** edgechat: objects holding the chat's sockets at the end (the root and its shards). */
	objects?: number;
	/**
	 * A spread chat's shards (the root's wakes are `wakeups`): constructions counted while the
	 * clients joined (each shard's first start, a check that the count works) and during the idle
	 * period (wake-ups). Absent where the chat did not spread or nothing could count them.
	 */
	shards?: {
		constructedWhileJoining: number;
		wakeups: number;
		/**
		 * Shards constructed by one message sent after the idle period (reaching every client): the
		 * shards that were asleep at the end. Absent in older results.
		 */
		wokenByNextMessage?: number;
		/** The root's calls to its shards (`deliver`) during the idle period, and for that one message. */
		callsDuringIdle?: number;
		callsForNextMessage?: number;
		/** Then a burst of messages from 10 senders within 20 ms, and the shard calls it took. */
		burst?: { messages: number; shardCalls: number };
		source: string;
	};
	/**
	 * `perConnectionBytes` is what the sockets added, measured from after every client's token was
	 * issued; `tokensPerClientBytes` is what issuing the tokens added before that (0 without tokens).
	 */
	memory: MemoryFigures & {
		rssAfterIdleBytes: number;
		perConnectionAfterIdleBytes: number;
		tokensPerClientBytes: number;
	};
	/**
	 * Growth of the Worker isolate's heap per connection (JavaScript objects; the runtime's C++
	 * objects held from JavaScript), read through the inspector of wrangler dev; null without one.
	 * Garbage not yet collected is included: workerd's inspector cannot force a collection.
	 * `committedBytes`: growth of the whole heap, free space included (absent in older results).
	 */
	heapPerConnection: { jsBytes: number; embedderBytes: number; committedBytes?: number } | null;
	cpu: CpuFigures;
	errors: string[];
}

export interface Percentiles {
	p50: number;
	p99: number;
	max: number;
}

export interface HistoryRun extends ServerIdentity {
	messages: number;
	seedSeconds: number;
	limit: number;
	/** Reads of the page below seq `depth`, timed inside the room by the runtime's clock (ms). */
	atDepth: { depth: number; perCallMs: Percentiles; meanMicros: number; clockStepMs: number };
	/** Reads below random cursors over the whole log, same timing. */
	random: { perCallMs: Percentiles; meanMicros: number; clockStepMs: number };
	/** The same read as one HTTP request from the generator: Worker, RPC and transport included (ms). */
	endToEndMs: Percentiles & { requests: number };
	check: { count: number; firstSeq: number | null; lastSeq: number | null; hasMore: boolean };
	errors: string[];
}

export interface CeilingFinding {
	transport: Transport;
	server: string;
	perSocket: number;
	limit: number;
	ceiling: number;
	basis: string;
}

export interface TargetCheck {
	target: string;
	measured: string;
	met: boolean | null;
	/**
	 * The target is sized for the full run (its room size, its number of joins, its phase long
	 * enough for a steady p99): a --quick run measures it but cannot meet it, and says so.
	 */
	fullRunOnly?: true;
}

/** The search scenario (bench/scenarios/search.ts): searches of a large log timed in the room. */
export interface SearchRun extends ServerIdentity {
	messages: number;
	seedSeconds: number;
	/** The first search's build of the index over the whole seeded log. */
	buildSeconds: number;
	/** Every search of every kind. */
	perCallMs: Percentiles;
	clockStepMs: number;
	kinds: SearchKindRun[];
	/** Mean time of one post's storage work, without the index (the floor) and with it. */
	post: { floorMicros: number; indexedMicros: number; ratio: number; posts: number };
	errors: string[];
}

export interface SearchKindRun {
	name: string;
	text: string;
	perCallMs: Percentiles;
	samples: number;
	found: number;
	hasMore: boolean;
}
