import type { CeilingFinding, HistoryRun, IdleRun, RoomRun, SearchRun } from "./results.ts";

/**
 * Why a run fails: a lost, duplicated, stray or reordered delivery, a refused message, a client
 * that could not join or was dropped, a pong that never came, a scenario that errored or ran out
 * of time. Targets that are missed are reported, not failed: they are goals, not correctness.
 */
export function collectFailures(
	rooms: RoomRun[],
	idle: IdleRun[],
	history: HistoryRun[],
	search: SearchRun[] = [],
): string[] {
	const failures: string[] = [];
	for (const run of rooms) {
		const where = `${run.scenario} · ${run.server}`;
		for (const error of run.errors) failures.push(`${where}: ${error}`);
		for (const phase of run.phases) {
			const problems = [
				phase.lost > 0 &&
					`${phase.lost} deliveries lost (${phase.clientsMissing} clients missed some; ${phase.lossExamples.join(", ")})`,
				phase.duplicates > 0 && `${phase.duplicates} deliveries duplicated`,
				phase.strays > 0 && `${phase.strays} deliveries of messages never sent`,
				phase.outOfOrder > 0 && `${phase.outOfOrder} messages out of seq order`,
				phase.rejected > 0 && `${phase.rejected} messages refused by the server`,
			].filter((problem): problem is string => typeof problem === "string");
			for (const problem of problems) failures.push(`${where} · ${phase.name}: ${problem}`);
		}
		const dropped = Object.entries(run.otherFrames).filter(
			([type]) => type.startsWith("closed:") || type.startsWith("socket-error:"),
		);
		if (dropped.length > 0)
			failures.push(
				`${where}: sockets dropped by the server: ${JSON.stringify(Object.fromEntries(dropped))}`,
			);
		const errors = Object.entries(run.otherFrames).filter(([type]) => type.startsWith("error:"));
		if (errors.length > 0)
			failures.push(`${where}: error frames: ${JSON.stringify(Object.fromEntries(errors))}`);
	}
	for (const run of idle) {
		const where = `${run.scenario} · ${run.server}`;
		for (const error of run.errors) failures.push(`${where}: ${error}`);
		if (run.pongs < run.pingsSent)
			failures.push(`${where}: ${run.pingsSent - run.pongs} of ${run.pingsSent} pings got no pong`);
		const dropped = Object.keys(run.framesDuringIdle).filter(
			(type) => type.startsWith("closed:") || type.startsWith("socket-error:"),
		);
		if (dropped.length > 0)
			failures.push(`${where}: sockets dropped during the idle period: ${dropped.join(", ")}`);
	}
	for (const run of [...history, ...search]) {
		for (const error of run.errors) failures.push(`${run.scenario}: ${error}`);
	}
	return failures;
}

/** For each server, the open-file ceiling found in its largest room of the run. */
export function collectCeilings(rooms: RoomRun[]): CeilingFinding[] {
	const largest = new Map<string, RoomRun>();
	for (const run of rooms) {
		if (run.files.ceiling <= 0) continue;
		const known = largest.get(run.server);
		if (!known || run.join.joined > known.join.joined) largest.set(run.server, run);
	}
	return [...largest.values()].map((run) => {
		const tightest = run.files.perSocket.find((entry) => entry.name === run.files.limitedBy);
		return {
			transport: run.transport,
			server: run.server,
			perSocket: tightest?.perSocket ?? 0,
			limit: tightest?.limit ?? 0,
			ceiling: run.files.ceiling,
			basis: `${run.files.limitedBy}, measured with ${run.join.joined.toLocaleString("en-US")} sockets in ${run.scenario}`,
		};
	});
}
