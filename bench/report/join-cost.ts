import type { Results, RoomRun, TargetCheck } from "./results.ts";

/**
 * What one join costs the runtime, edgechat beside the bare DO room of the same scenario and round:
 * the CPU time of the workerd process that runs the Worker (not the dev proxy, not the host, not
 * the load generator) over the join step, per socket joined. An edgechat join is its token
 * request, the WebSocket and `ready`; a bare room's, the WebSocket alone.
 */
export interface JoinCost {
	scenario: string;
	round: number;
	server: string;
	run: RoomRun;
	joinsPerSecond: number;
	runtimeCpuMsPerJoin: number;
	/** The bare room of the same scenario and round, when it ran. */
	bare?: { joinsPerSecond: number; runtimeCpuMsPerJoin: number };
}

/** The budget of a join straight to the runtime (API only), against the bare room of the same run. */
const budget = { cpuRatio: 1.5, joinsRatio: 0.7, joinsRatioThroughDev: 0.5 };

/**
 * The runtime's cores: through wrangler dev the workerd process whose entry port is ":0" (the dev
 * proxy has the public port); straight to the runtime the only workerd process of the server.
 */
function runtimeCores(run: RoomRun): number | null {
	const workerds = run.join.cpu.serverByProcess.filter((process) => process.name.startsWith("workerd"));
	const runtime =
		workerds.find((process) => process.name === "workerd:0") ??
		(workerds.length === 1 ? workerds[0] : undefined);
	return runtime?.cores ?? null;
}

function cpuMsPerJoin(run: RoomRun): number | null {
	const cores = runtimeCores(run);
	if (cores === null || run.join.joined === 0) return null;
	return (cores * run.join.cpu.seconds * 1000) / run.join.joined;
}

/** Each edgechat and bare-room run's join cost; edgechat's with the bare room of its scenario and round. */
export function joinCosts(rooms: RoomRun[]): JoinCost[] {
	const costs: JoinCost[] = [];
	for (const run of rooms) {
		if (run.kind !== "edgechat" && run.kind !== "bare-room") continue;
		const cpu = cpuMsPerJoin(run);
		if (cpu === null) continue;
		const bareRun = rooms.find(
			(other) => other.kind === "bare-room" && other.scenario === run.scenario && other.round === run.round,
		);
		const bareCpu = bareRun ? cpuMsPerJoin(bareRun) : null;
		costs.push({
			scenario: run.scenario,
			round: run.round,
			server: run.server,
			run,
			joinsPerSecond: run.join.perSecond,
			runtimeCpuMsPerJoin: cpu,
			...(bareRun &&
				bareCpu !== null &&
				run !== bareRun && {
					bare: { joinsPerSecond: bareRun.join.perSecond, runtimeCpuMsPerJoin: bareCpu },
				}),
		});
	}
	return costs;
}

/** Rows of the join-cost table: scenario, server, joins/s, runtime CPU per join, and edgechat's ratios. */
export function joinCostRows(results: Pick<Results, "rooms">): string[][] {
	return joinCosts(results.rooms).map((cost) => [
		cost.round > 1 ? `${cost.scenario} #${cost.round}` : cost.scenario,
		cost.server,
		cost.joinsPerSecond.toFixed(0),
		cost.runtimeCpuMsPerJoin.toFixed(2),
		cost.bare ? `${(cost.runtimeCpuMsPerJoin / cost.bare.runtimeCpuMsPerJoin).toFixed(2)}x` : "-",
		cost.bare ? `${(cost.joinsPerSecond / cost.bare.joinsPerSecond).toFixed(2)}x` : "-",
	]);
}

export const joinCostHeader = [
	"scenario",
	"server",
	"joins/s",
	"runtime CPU ms/join",
	"CPU vs bare room",
	"joins/s vs bare room",
];

export const joinCostNote =
	"runtime CPU ms/join: the CPU time of the workerd process running the Worker over the join step, per socket joined " +
	"(edgechat: token request, WebSocket, ready; the bare room: the WebSocket). Ratios against the bare DO room of the same scenario and round.";

/**
 * The join budget: straight to the runtime, API only, runtime CPU per join at most 1.5x
 * the bare room's and joins/s at least 0.7x; through wrangler dev with local tracing off (as
 * `npm start` can run), joins/s at least 0.5x.
 */
export function joinBudgetChecks(results: Omit<Results, "targets">): TargetCheck[] {
	const tracingOff = results.meta.localTracing?.wranglerDev === false;
	return joinCosts(results.rooms).flatMap((cost): TargetCheck[] => {
		const { run, bare } = cost;
		if (run.kind !== "edgechat" || !bare) return [];
		const cpuRatio = cost.runtimeCpuMsPerJoin / bare.runtimeCpuMsPerJoin;
		const joinsRatio = cost.joinsPerSecond / bare.joinsPerSecond;
		const measured =
			`${cost.runtimeCpuMsPerJoin.toFixed(2)} vs ${bare.runtimeCpuMsPerJoin.toFixed(2)} ms CPU per join (${cpuRatio.toFixed(2)}x), ` +
			`${cost.joinsPerSecond.toFixed(0)} vs ${bare.joinsPerSecond.toFixed(0)} joins/s (${joinsRatio.toFixed(2)}x)`;
		const name = cost.round > 1 ? `${cost.scenario} #${cost.round}` : cost.scenario;
		if (run.transport === "direct" && run.apiOnly === true)
			return [
				{
					target: `Join cost (${name}, ${run.server}): runtime CPU per join <= ${budget.cpuRatio}x the bare room's, joins/s >= ${budget.joinsRatio}x`,
					measured,
					met: cpuRatio <= budget.cpuRatio && joinsRatio >= budget.joinsRatio,
				},
			];
		if (run.transport === "wrangler-dev" && run.apiOnly !== true)
			return [
				{
					target: `Join rate through wrangler dev (${name}, ${run.server}), local tracing off: joins/s >= ${budget.joinsRatioThroughDev}x the bare room's`,
					measured: `${measured}${tracingOff ? "" : "; local tracing was on"}`,
					met: tracingOff ? joinsRatio >= budget.joinsRatioThroughDev : null,
				},
			];
		return [];
	});
}
