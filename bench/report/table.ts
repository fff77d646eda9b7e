import { treeMethod, treeSteps } from "../scenarios/tree-scale.ts";
import { joinCostHeader, joinCostNote, joinCostRows } from "./join-cost.ts";
import { formatProjection, project } from "./projection.ts";
import { cpuPerMessageMs, type Results, scenarioName, type TargetCheck } from "./results.ts";
import { searchLines } from "./search-report.ts";

/** Plain-text tables of a run, for the terminal (and for pasting into an issue). */
export function formatTables(results: Results): string {
	const out: string[] = [];
	out.push(
		`edgechat bench · ${results.meta.date} · ${results.meta.command} · ${results.meta.cores} cores · commit ${results.meta.gitCommit}`,
	);
	out.push("");
	out.push(
		table(
			[
				"scenario",
				"server",
				"N",
				"objects",
				"joins/s",
				"fail",
				"phase",
				"offered",
				"sent",
				"deliveries/s",
				"p50 ms",
				"p95 ms",
				"p99 ms",
				"max ms",
				"lost",
				"dup",
				"srv CPU",
				"CPU ms/msg",
				"hot thread",
				"gen CPU",
				"other",
				"KiB/conn",
			],
			results.rooms.flatMap((run) => {
				const head = [
					scenarioName(run),
					run.server,
					String(run.join.joined),
					run.objects === undefined ? "-" : String(run.objects),
					run.join.perSecond.toFixed(0),
					String(run.join.failed),
				];
				const memory = (run.memory.perConnectionBytes / 1024).toFixed(1);
				if (run.phases.length === 0) return [[...head, run.errors.length > 0 ? "ERROR" : "-", ...blank(15)]];
				return run.phases.map((phase, index) => [
					...(index === 0 ? head : blank(head.length)),
					phase.name,
					String(phase.offeredPerSecond),
					phase.sentPerSecond.toFixed(0),
					phase.deliveriesPerSecond.toFixed(0),
					phase.latencyMs.p50.toFixed(1),
					phase.latencyMs.p95.toFixed(1),
					phase.latencyMs.p99.toFixed(1),
					phase.latencyMs.max.toFixed(1),
					String(phase.lost),
					String(phase.duplicates),
					phase.cpu.serverCores.toFixed(2),
					cpuPerMessageMs(phase).toFixed(1),
					phase.cpu.serverHottestThread.cores.toFixed(2),
					phase.cpu.generatorCores.toFixed(2),
					phase.cpu.otherCores.toFixed(2),
					index === 0 ? memory : "",
				]);
			}),
		),
	);
	out.push(
		"offered/sent in messages/s; objects: the root and shards holding an edgechat chat's sockets; CPU in cores (1.00 = one core busy): server tree, its busiest thread, the generator, everything else on the machine; CPU ms/msg: the server tree's CPU over the phase and its drain per message sent.",
	);
	out.push("");
	out.push(
		table(
			["scenario", "server", "step", "limited by", "server CPU by process", "kernel"],
			results.rooms.flatMap((run) => [
				[
					scenarioName(run),
					run.server,
					`join ${run.join.perSecond.toFixed(0)}/s`,
					run.join.limitedBy,
					byProcess(run.join.cpu.serverByProcess),
					share(run.join.cpu.serverKernelShare),
				],
				...run.phases.map((phase) => [
					"",
					"",
					`${phase.name} ${phase.deliveriesPerSecond.toFixed(0)}/s`,
					phase.limitedBy,
					byProcess(phase.cpu.serverByProcess),
					share(phase.cpu.serverKernelShare),
				]),
			]),
		),
	);
	out.push(
		"kernel: share of the server's CPU time spent in system calls and loopback TCP rather than in user code.",
	);
	out.push("");
	const joinCost = joinCostRows(results);
	if (joinCost.length > 0) out.push(table(joinCostHeader, joinCost), joinCostNote, "");
	const treeScenarios = new Set(
		results.rooms.map((run) => run.scenario).filter((id) => id.startsWith("tree-")),
	);
	for (const scenario of treeScenarios) {
		const steps = treeSteps(results.rooms, scenario);
		if (steps.length === 0) continue;
		out.push(
			table(
				[
					scenario,
					"msgs",
					"samples",
					"root ms",
					"root µs/child",
					"root+unattr. ms",
					"shards ms",
					"unattr. ms",
					"isolate ms",
					"root share",
					"thread ms",
					"root of thread ms",
					"process ms",
					"p50 ms",
					"p99 ms",
				],
				steps.map((step) => [
					`${step.children} ${step.children === 1 ? "child" : "children"}`,
					String(step.messages),
					String(step.samples),
					step.rootMs.toFixed(3),
					((step.rootMs * 1000) / step.children).toFixed(1),
					(step.rootMs + step.unattributedMs).toFixed(3),
					step.shardMs.toFixed(3),
					step.unattributedMs.toFixed(3),
					step.isolateMs.toFixed(3),
					share(step.rootShare),
					step.threadMs.toFixed(3),
					(step.rootShare * step.threadMs).toFixed(3),
					step.processMs.toFixed(3),
					step.p50Ms.toFixed(1),
					step.p99Ms.toFixed(1),
				]),
			),
		);
		const largest = results.rooms
			.filter((run) => run.scenario === scenario)
			.sort((a, b) => (b.objects ?? 0) - (a.objects ?? 0))[0];
		const top = largest?.phases[0]?.profile?.byObject?.top;
		if (largest && top) {
			const list = (entries: { name: string; samples: number }[]) =>
				entries.map((entry) => `${entry.name} ${entry.samples}`).join("; ");
			out.push(
				`where the root's samples were with ${(largest.objects ?? 1) - 1} children: ${list(top.root)}`,
			);
			out.push(`where the shards' samples were: ${list(top.shard)}`);
		}
		out.push(
			`measured, CPU per message sent (ms); a sample stood for ${steps.map((step) => (step.sampleMs * 1000).toFixed(0)).join("/")} µs. ${treeMethod}`,
		);
		out.push("");
	}
	if (results.idle.length > 0) {
		out.push(
			table(
				[
					"scenario",
					"server",
					"N",
					"pings",
					"pongs",
					"other frames",
					"wake-ups (root; shards)",
					"asleep at end",
					"srv CPU",
					"KiB/conn",
					"KiB/conn after",
					"token KiB/client",
					"heap B/conn (JS + runtime; whole heap)",
				],
				results.idle.map((run) => [
					run.scenario,
					run.server,
					run.objects === undefined || run.objects === 1
						? String(run.clients)
						: `${run.clients} in ${run.objects} objects`,
					String(run.pingsSent),
					String(run.pongs),
					JSON.stringify(run.framesDuringIdle),
					(run.wakeups === null ? "n/a" : String(run.wakeups)) +
						(run.shards
							? `; shards ${run.shards.wakeups} (${run.shards.constructedWhileJoining} started while joining` +
								(run.shards.wokenByNextMessage === undefined
									? ")"
									: `, ${run.shards.wokenByNextMessage} woken by the next message; shard calls: ` +
										`${run.shards.callsDuringIdle ?? "?"} idle, ${run.shards.callsForNextMessage ?? "?"} for it)`)
							: ""),
					run.hibernatedAtEnd === null ? "n/a" : run.hibernatedAtEnd ? "yes" : "no",
					run.cpu.serverCores.toFixed(3),
					(run.memory.perConnectionBytes / 1024).toFixed(1),
					(run.memory.perConnectionAfterIdleBytes / 1024).toFixed(1),
					// Results written before tokens were weighed apart (redrawn with --from) lack the field.
					((run.memory.tokensPerClientBytes ?? 0) / 1024).toFixed(1),
					run.heapPerConnection === null
						? "n/a"
						: `${run.heapPerConnection.jsBytes.toFixed(0)} + ${run.heapPerConnection.embedderBytes.toFixed(0)}` +
							(run.heapPerConnection.committedBytes === undefined
								? ""
								: `; ${run.heapPerConnection.committedBytes.toFixed(0)}`),
				]),
			),
		);
		out.push("");
	}
	for (const run of results.history) {
		out.push(
			`${run.scenario}: ${run.messages.toLocaleString("en-US")} messages seeded in ${run.seedSeconds.toFixed(1)} s; page of ${run.limit} ` +
				`below ${run.atDepth.depth.toLocaleString("en-US")}: in room p50 ${run.atDepth.perCallMs.p50} ms, p99 ${run.atDepth.perCallMs.p99} ms, ` +
				`max ${run.atDepth.perCallMs.max} ms (clock step ${run.atDepth.clockStepMs} ms), mean ${run.atDepth.meanMicros.toFixed(0)} µs; ` +
				`random cursors mean ${run.random.meanMicros.toFixed(0)} µs, p99 ${run.random.perCallMs.p99} ms; ` +
				`over HTTP p50 ${run.endToEndMs.p50.toFixed(2)} ms, p99 ${run.endToEndMs.p99.toFixed(2)} ms`,
		);
	}
	out.push(...searchLines(results.search ?? []));
	out.push("");
	for (const run of results.rooms) {
		const steps = [
			{ name: "join", profile: run.join.profile },
			...run.phases.map((phase) => ({ name: phase.name, profile: phase.profile })),
		];
		for (const step of steps) {
			if (!step.profile) continue;
			const { profile } = step;
			out.push(
				`profile ${scenarioName(run)} · ${run.server} · ${step.name}: ${profile.samples} samples, idle ${share(profile.idle)}, ` +
					`native runtime ${share(profile.program)}, GC ${share(profile.garbageCollector)}`,
			);
			out.push(
				`  self: ${profile.self
					.slice(0, 8)
					.map((entry) => `${entry.name} ${share(entry.share)}`)
					.join("; ")}`,
			);
			out.push(
				`  inclusive: ${profile.inclusive
					.slice(0, 8)
					.map((entry) => `${entry.name} ${share(entry.share)}`)
					.join("; ")}`,
			);
		}
	}
	// Printed only when this run measured both of its inputs (or see npm run bench:projection).
	const projection = project([results]);
	if (typeof projection !== "string") {
		out.push(formatProjection(projection));
		out.push("");
	}
	for (const ceiling of results.ceilings) {
		out.push(
			`ceiling (${ceiling.transport}, ${ceiling.server}): ${ceiling.perSocket.toFixed(2)} descriptors per socket, ` +
				`limit ${ceiling.limit} -> about ${ceiling.ceiling.toLocaleString("en-US")} sockets (${ceiling.basis})`,
		);
	}
	out.push("");
	out.push(
		table(
			["target", "measured", "met"],
			results.targets.map((check) => [check.target, check.measured, verdict(check, results.meta.quick)]),
		),
	);
	if (results.failures.length > 0) {
		out.push("");
		out.push("FAILED:");
		for (const failure of results.failures) out.push(`  ${failure}`);
	}
	return out.join("\n");
}

/** A quick run's rooms are too small and its phases too short for the targets sized for the full run. */
function verdict(check: TargetCheck, quick: boolean): string {
	if (quick && check.fullRunOnly) return "full run only";
	return check.met === null ? "n/a" : check.met ? "yes" : "NO";
}

function byProcess(processes: { name: string; cores: number }[]): string {
	return processes.map((process) => `${process.name} ${process.cores.toFixed(2)}`).join(", ") || "-";
}

function share(value: number): string {
	return `${Math.round(value * 100)}%`;
}

function blank(count: number): string[] {
	return Array.from({ length: count }, () => "");
}

function table(header: string[], rows: string[][]): string {
	const widths = header.map((title, column) =>
		Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
	);
	const numeric = header.map((_, column) => rows.every((row) => /^-?[\d.,]*$/.test(row[column] ?? "")));
	const line = (cells: string[]) =>
		cells
			.map((cell, column) =>
				numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
			)
			.join("  ")
			.trimEnd();
	return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}
