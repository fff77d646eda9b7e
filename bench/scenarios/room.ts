import { availableParallelism } from "node:os";
import { join } from "node:path";
import { type FanoutOptions, runFanout } from "../generator/fanout.ts";
import { type JoinResult, joinClients } from "../generator/join.ts";
import { Room } from "../generator/room.ts";
import { attributeToObjects } from "../lib/attribution.ts";
import { InspectorSession, type ProfileSummary, summarise } from "../lib/inspector.ts";
import { intervalUse, snapshot } from "../lib/proc.ts";
import { sleep, withDeadline } from "../lib/time.ts";
import { limitOf } from "../report/limits.ts";
import { cpuFigures, identify, noCpu, type PhaseRun, type RoomRun } from "../report/results.ts";
import {
	bundleFor,
	fileSafe,
	type ServerSpec,
	sizedFor,
	startServer,
	stopServer,
} from "../servers/servers.ts";
import { fileFigures, heading, memoryFigures, type RunContext } from "./context.ts";
import { readObjectCount } from "./wake-state.ts";

export interface PhasePlan extends Omit<FanoutOptions, "onProgress"> {
	name: string;
}

export interface RoomPlan {
	id: string;
	/** Scenarios of one group run together with `--only <group>` (each also by its own id). */
	group?: string;
	title: string;
	servers: ServerSpec[];
	/**
	 * A second round, usually the same servers in the opposite order: a shared machine drifts, and
	 * a comparison that holds in both rounds does not depend on which server ran first.
	 */
	repeat?: ServerSpec[];
	/** A number, or "ceiling": as many as the first server's open-file limit allows (found while joining). */
	clients: number | "ceiling";
	joinConcurrency: number;
	phases: PhasePlan[];
	/** Bound on one server's whole run: start, join, phases, stop. */
	deadlineMs: number;
	/**
	 * Profile every step even without --profile (the scenario's figures come from the profile),
	 * sampling every `profileIntervalMicros` (default 500).
	 */
	profileAlways?: boolean;
	profileIntervalMicros?: number;
}

const cores = availableParallelism();

/** Sockets joined before measuring descriptors per socket, when the room size is "as many as fit". */
const probeClients = 1000;
/** Share of the computed ceiling used: other descriptors (HTTP, storage) must still fit. */
const ceilingShare = 0.97;

/** Starts a fresh server, fills one room, runs the fan-out phases, and stops the server. */
export async function runRoom(
	plan: RoomPlan,
	spec: ServerSpec,
	clients: number | "ceiling",
	context: RunContext,
	round = 1,
): Promise<RoomRun> {
	const profileDir =
		context.profileDir ?? (plan.profileAlways ? join(context.workspace.dir, "profiles") : null);
	const server = await startServer(sizedFor(spec, clients), context.workspace, {
		inspector: profileDir !== null,
	});
	const title = heading(round > 1 ? `${plan.id} #${round}` : plan.id, server.label);
	const room = new Room(server, `bench-${plan.id}`);
	const errors: string[] = [];
	const run: RoomRun = {
		...identify(plan.id, server),
		round,
		clients: 0,
		join: emptyJoin(),
		memory: { rssBeforeBytes: 0, rssConnectedBytes: 0, perConnectionBytes: 0, perConnectionByProcess: [] },
		files: { perSocket: [], ceiling: 0, limitedBy: "-" },
		phases: [],
		otherFrames: room.otherFrames,
		otherBytes: room.otherBytes,
		errors,
	};
	let inspector: InspectorSession | null = null;
	try {
		if (profileDir !== null && server.inspectorPort !== undefined)
			inspector = await InspectorSession.open(server.inspectorPort);
		await withDeadline(`${title}`, plan.deadlineMs, measure());
	} catch (error) {
		errors.push(error instanceof Error ? error.message : String(error));
	} finally {
		inspector?.close();
		room.closeAll();
		await stopServer(server);
	}
	return run;

	/** Runs `step` under the profiler when one is attached; the summary is undefined otherwise. */
	async function profiled<T>(
		stepName: string,
		step: () => Promise<T>,
	): Promise<{ result: T; profile?: ProfileSummary }> {
		if (!inspector || profileDir === null) return { result: await step() };
		const intervalMicros = plan.profileIntervalMicros ?? 500;
		await inspector.startProfile(intervalMicros);
		const result = await step();
		const file = fileSafe(`${plan.id}-${round}-${server.label}-${stepName}`);
		const whole = await inspector.stopProfileWhole(join(profileDir, `${file}.cpuprofile`));
		const profile: ProfileSummary = { ...summarise(whole), intervalMicros };
		if (server.kind === "edgechat")
			profile.byObject = attributeToObjects(whole, await bundleFor(server.kind, context.workspace));
		return { result, profile };
	}

	async function measure(): Promise<void> {
		await room.open();
		await sleep(250);
		const before = snapshot(server.child.pid);
		const progress = (joined: number, target: number) =>
			context.progress.update(`${title} · joining ${joined}/${target}`);
		const joinOptions = (target: number) => ({
			concurrency: plan.joinConcurrency,
			joinTimeoutMs: 30_000,
			deadlineMs: Math.max(30_000, target * 20),
			onProgress: (joined: number) => progress(joined, target),
		});

		let target = clients === "ceiling" ? probeClients : clients;
		const firstJoin = await profiled("join", () => joinClients(room, target, joinOptions(target)));
		let join = firstJoin.result;
		if (clients === "ceiling") {
			const probe = fileFigures(before, snapshot(server.child.pid), room.clients.length);
			target = Math.floor(probe.ceiling * ceilingShare);
			context.progress.log(
				`${title}: ${probe.ceiling} sockets fit (limited by ${probe.limitedBy}); filling the room to ${target}`,
			);
			const rest = await joinClients(room, target - room.clients.length, joinOptions(target));
			join = mergeJoins(join, rest);
		}
		const joined = snapshot(server.child.pid);
		run.clients = target;
		const joinCpu = cpuFigures(intervalUse(before, joined));
		run.join = { ...join, cpu: joinCpu, limitedBy: limitOf(joinCpu, cores, false) };
		if (firstJoin.profile) run.join.profile = firstJoin.profile;
		context.progress.log(
			`${title}: ${join.joined}/${target} joined in ${join.seconds.toFixed(1)} s (${Math.round(join.perSecond)}/s), ${join.failed} failed`,
		);

		// Presence frames of the join are still going out; the phases start in a quiet room.
		await room.settle(1000, 30_000);
		const connected = snapshot(server.child.pid);
		run.memory = memoryFigures(before, connected, room.clients.length);
		run.files = fileFigures(before, connected, room.clients.length);
		const objects = await readObjectCount(room);
		if (objects !== null) run.objects = objects;
		if (join.failed > 0)
			errors.push(`${join.failed} of ${target} clients could not join: ${JSON.stringify(join.failures)}`);
		if (room.clients.length === 0) throw new Error("no client joined");

		for (const phase of plan.phases) {
			const start = snapshot(server.child.pid);
			const { result, profile } = await profiled(phase.name, () =>
				runFanout(room, {
					...phase,
					onProgress: (ledger, elapsedMs) =>
						context.progress.update(
							`${title} · ${phase.name} ${(elapsedMs / 1000).toFixed(1)} s · sent ${ledger.sent} · delivered ${ledger.delivered}/${ledger.expected}`,
						),
				}),
			);
			const end = snapshot(server.child.pid);
			const cpu = cpuFigures(intervalUse(start, end));
			const keptUp = result.deliveriesPerSecond >= 0.97 * result.offeredDeliveriesPerSecond;
			run.phases.push({
				name: phase.name,
				...result,
				cpu,
				limitedBy: limitOf(cpu, cores, keptUp),
				...(profile && { profile }),
			});
			context.progress.log(`${title} · ${phase.name}: ${describePhase(result)}`);
			await room.settle(500, 5000);
		}
	}
}

export function describePhase(result: PhaseRun | Awaited<ReturnType<typeof runFanout>>): string {
	return (
		`${Math.round(result.deliveriesPerSecond)} deliveries/s, ` +
		`p50 ${result.latencyMs.p50.toFixed(1)} ms, p99 ${result.latencyMs.p99.toFixed(1)} ms, ` +
		`lost ${result.lost}, duplicated ${result.duplicates}`
	);
}

function emptyJoin(): RoomRun["join"] {
	return {
		requested: 0,
		joined: 0,
		failed: 0,
		failures: {},
		seconds: 0,
		perSecond: 0,
		latencyMs: { p50: 0, p99: 0, max: 0 },
		concurrency: 0,
		timedOut: false,
		cpu: noCpu(),
		limitedBy: "-",
	};
}

/** A room filled in two steps (probe, then the rest) reports one join. */
function mergeJoins(first: JoinResult, second: JoinResult): JoinResult {
	const failures = { ...first.failures };
	for (const [reason, count] of Object.entries(second.failures))
		failures[reason] = (failures[reason] ?? 0) + count;
	const seconds = first.seconds + second.seconds;
	const joined = first.joined + second.joined;
	return {
		requested: first.requested + second.requested,
		joined,
		failed: first.failed + second.failed,
		failures,
		seconds,
		perSecond: joined / seconds,
		// Percentiles of the larger step: the rest of a big room dominates it.
		latencyMs: second.joined >= first.joined ? second.latencyMs : first.latencyMs,
		concurrency: first.concurrency,
		timedOut: first.timedOut || second.timedOut,
	};
}
