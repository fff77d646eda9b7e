/**
 * `npm run bench` (options: `npm run bench -- --help`, below in `usage`).
 *
 * Starts edgechat and its baselines (a bare Durable Object room, the same room writing each frame
 * to SQLite, a plain Node ws server), drives each with the same load generator, and writes every
 * figure to results.json and chart.svg (docs/bench/ for a full run, bench/results/ for --quick).
 * Exits non-zero if any delivery was lost or duplicated, or any scenario failed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCommandLine } from "./lib/command-line.ts";
import { machineFacts } from "./lib/machine.ts";
import { Progress } from "./lib/progress.ts";
import { backgroundCores, waitForQuiet } from "./lib/quiet.ts";
import { renderChart } from "./report/chart.ts";
import type { HistoryRun, IdleRun, Results, RoomRun, SearchRun } from "./report/results.ts";
import { formatTables } from "./report/table.ts";
import { checkTargets } from "./report/targets.ts";
import { collectCeilings, collectFailures } from "./report/verdict.ts";
import type { RunContext } from "./scenarios/context.ts";
import { type ExportRun, runExport } from "./scenarios/export.ts";
import { runHistory } from "./scenarios/history.ts";
import { runIdle } from "./scenarios/idle.ts";
import { fullPlan, quickPlan } from "./scenarios/plan.ts";
import { runRoom } from "./scenarios/room.ts";
import { runSearch } from "./scenarios/search.ts";
import { runTreeScale } from "./scenarios/tree-scale.ts";
import { bundleWorker } from "./servers/bundle.ts";
import { stopAllChildrenNow } from "./servers/child.ts";
import { label, localTracing, type ServerSpec } from "./servers/servers.ts";
import { redrawSoak, soakMain } from "./soak/main.ts";
import { isMixName, mixes } from "./soak/mix.ts";

const usage = `
usage: npm run bench [-- options]

Measures edgechat under load next to baselines started in the same run (a bare Durable Object
room, the same room writing each frame to SQLite, a plain Node ws server) and checks every
delivery. Exits 1 if a delivery was lost or duplicated, or a scenario failed.

  (no option)            the full run, about 30 minutes with the machine to itself:
                         docs/bench/results.json and chart.svg
  --quick                every code path, small and short (about 2 minutes): bench/results/;
                         targets sized for the full run are marked "full run only"
  --only id,id           only these scenarios: room-1000, room-1000-direct, join-storm-4000,
                         join-storm-4000-direct, largest-room, send-cost (or send-cost-1000 ..
                         -8000), spread-room, spread-join-storm, tree-scale, history-1m,
                         search-1m, idle-1000, export-1m (with --quick: room-200,
                         largest-room-direct-300, spread-room-300, tree-scale-4, history-20k,
                         search-20k, idle-100, export-10k)
  --server text          only the servers whose label contains this text (e.g. spread);
                         a room scenario's bare DO room runs too (the join reference)
  --out dir              where results.json and chart.svg go
  --profile              a CPU profile of the Worker's isolate per step of each room
  --no-wait              start each server at once, not after up to a minute of quiet
  --from results.json    redraw the chart and tables of an earlier run, running nothing
  --soak                 the soak alone: a realistic mix for 30 minutes, memory over time
                         (docs/bench/soak/); with --from, its README.md redrawn
  --soak-minutes N       the soak's length (or --soak-seconds N)
  --soak-mix name        one half of the mix: messages or sockets
  --soak-shard-capacity N  the soak's ROOM_SHARD_CAPACITY (default 50)
  -h, --help             this text

How it measures and what limits each figure: docs/bench/README.md.
`;
const { values: options } = parseCommandLine(usage, {
	options: {
		quick: { type: "boolean", default: false },
		only: { type: "string" },
		/**
		 * Only the servers whose label contains this text (e.g. "spread"), in the scenarios run; a
		 * room scenario's bare DO room runs too, the reference of edgechat's join cost.
		 */
		server: { type: "string" },
		out: { type: "string" },
		profile: { type: "boolean", default: false },
		/**
		 * Start each server at once instead of waiting up to a minute for other work on the machine
		 * to calm down; that work is still measured and shown ("other" in the tables).
		 */
		"no-wait": { type: "boolean", default: false },
		/** Redraw the chart and tables of an earlier run from its results.json, without running anything. */
		from: { type: "string" },
		/** The soak alone: a realistic mix against one runtime, memory over time, every delivery checked. */
		soak: { type: "boolean", default: false },
		"soak-minutes": { type: "string" },
		/** For a smoke test of the soak itself. */
		"soak-seconds": { type: "string" },
		/**
		 * `messages` or `sockets`: one half of the mix, at a higher rate, to tell which of the two a
		 * memory growth follows (bench/soak/mix.ts, mixes). The default is the whole mix.
		 */
		"soak-mix": { type: "string" },
		/** ROOM_SHARD_CAPACITY of the soak (50: the big chat spans several objects; 1000: one). */
		"soak-shard-capacity": { type: "string" },
	},
});

if (options.from !== undefined && options.soak === true) {
	redrawSoak(resolve(options.from));
	process.exit(0);
}
if (options.from !== undefined) {
	const source = resolve(options.from);
	const earlier: Results = JSON.parse(readFileSync(source, "utf8"));
	const chart = join(dirname(source), "chart.svg");
	writeFileSync(chart, await renderChart(earlier));
	process.stdout.write(`${formatTables(earlier)}\n\nwritten: ${chart}\n`);
	process.exit(0);
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const quick = options.quick === true;
const plan = quick ? quickPlan() : fullPlan();
const only = options.only?.split(",").map((id) => id.trim());
const selected = (id: string) => only === undefined || only.includes(id);
const serverFilter = options.server;
const serverSelected = (spec: ServerSpec) => serverFilter === undefined || label(spec).includes(serverFilter);
const soak = options.soak === true;
const soakSeconds =
	options["soak-seconds"] !== undefined
		? Number(options["soak-seconds"])
		: Number(options["soak-minutes"] ?? "30") * 60;
if (soak && !(soakSeconds > 0)) throw new Error("--soak-minutes and --soak-seconds take a positive number");
const outDir = resolve(
	repoRoot,
	options.out ?? (soak ? "docs/bench/soak" : quick ? "bench/results" : "docs/bench"),
);
const progress = new Progress();
const workspaceDir = mkdtempSync(join(tmpdir(), "edgechat-bench-"));
const context: RunContext = {
	workspace: { repoRoot, dir: workspaceDir },
	progress,
	quick,
	profileDir: options.profile === true ? join(outDir, "profiles") : null,
};

// The whole run is bounded too: a hung scenario must not keep servers running for ever.
const runDeadlineMs = soak ? soakSeconds * 1000 + 10 * 60_000 : quick ? 4 * 60_000 : 45 * 60_000;
const watchdog = setTimeout(() => {
	progress.log(`the run did not finish within ${runDeadlineMs / 60_000} min; stopping`);
	stopAllChildrenNow();
	process.exit(2);
}, runDeadlineMs);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
	process.on(signal, () => {
		stopAllChildrenNow();
		process.exit(130);
	});
}
process.on("exit", stopAllChildrenNow);

/** Before each server starts: in a full run, wait up to a minute for other work on the machine to calm down. */
async function quietMachine(): Promise<number> {
	if (quick || options["no-wait"] === true) return backgroundCores(200);
	return waitForQuiet(60_000, 0.3, (cores) =>
		progress.update(`waiting for the machine: other work uses ${cores.toFixed(2)} cores`),
	);
}
const backgroundLoad: number[] = [];

if (soak) {
	const minutes =
		options["soak-seconds"] !== undefined
			? `--soak-seconds ${soakSeconds}`
			: `--soak-minutes ${soakSeconds / 60}`;
	const mixName = options["soak-mix"] ?? "all";
	const capacity = options["soak-shard-capacity"];
	if (capacity !== undefined && !(Number(capacity) >= 1))
		throw new Error("--soak-shard-capacity takes a number");
	if (!isMixName(mixName)) throw new Error(`--soak-mix takes ${Object.keys(mixes).join(", ")}`);
	const passed = await soakMain({
		workspace: context.workspace,
		progress,
		seconds: soakSeconds,
		mix: mixName,
		...(capacity !== undefined && { shardCapacity: Number(capacity) }),
		command: `npm run bench -- --soak${soakSeconds === 1800 ? "" : ` ${minutes}`}${mixName === "all" ? "" : ` --soak-mix ${mixName}`}${capacity === undefined ? "" : ` --soak-shard-capacity ${capacity}`}`,
		outDir,
	});
	clearTimeout(watchdog);
	if (!passed) {
		process.stdout.write(`server logs: ${workspaceDir}\n`);
		process.exit(1);
	}
	rmSync(workspaceDir, { recursive: true, force: true });
	process.exit(0);
}

const started = performance.now();
const date = new Date().toISOString();
progress.log(`edgechat bench (${quick ? "quick" : "full"}); work files in ${workspaceDir}`);
progress.update("building the Workers (wrangler deploy --dry-run)");
await Promise.all(
	["wrangler.toml", "bench/baselines/bare-room/wrangler.toml", "bench/history-room/wrangler.toml"].map(
		(config) => bundleWorker(config, context.workspace),
	),
);

const rooms: RoomRun[] = [];
const skipped: string[] = [];
for (const room of plan.rooms.filter(
	(entry) => selected(entry.id) || (entry.group !== undefined && selected(entry.group)),
)) {
	progress.log(`${room.id}: ${room.title}`);
	let clients = room.clients;
	const rounds = [room.servers, ...(room.repeat ? [room.repeat] : [])];
	for (const [index, servers] of rounds.entries()) {
		// The bare room runs whatever --server says: edgechat's join cost is reported against it.
		for (const spec of servers.filter((entry) => serverSelected(entry) || entry.kind === "bare-room")) {
			if (clients === "ceiling" && spec.spreadOver !== undefined) {
				// Sized from the room the first server found; that server measured nothing.
				skipped.push(`${room.id} · ${label(spec)}: not run, no server before it found the room's size`);
				continue;
			}
			backgroundLoad.push(await quietMachine());
			const run = await runRoom(room, spec, clients, context, index + 1);
			rooms.push(run);
			// Every server of "the largest room" holds the same number of sockets as the first.
			if (clients === "ceiling" && run.clients > 0) clients = run.clients;
		}
	}
}

if (selected(plan.treeScale.id)) {
	progress.log(`${plan.treeScale.id}: ${plan.treeScale.title}`);
	backgroundLoad.push(await quietMachine());
	rooms.push(...(await runTreeScale(plan.treeScale, context)));
}

const history: HistoryRun[] = [];
if (selected(plan.history.id)) {
	progress.log(`${plan.history.id}: ${plan.history.title}`);
	backgroundLoad.push(await quietMachine());
	history.push(await runHistory(plan.history, context));
}

const search: SearchRun[] = [];
if (selected(plan.search.id)) {
	progress.log(`${plan.search.id}: ${plan.search.title}`);
	backgroundLoad.push(await quietMachine());
	search.push(await runSearch(plan.search, context));
}

const idle: IdleRun[] = [];
if (selected(plan.idle.id)) {
	progress.log(`${plan.idle.id}: ${plan.idle.title}`);
	for (const spec of plan.idle.servers.filter(serverSelected)) {
		backgroundLoad.push(await quietMachine());
		idle.push(await runIdle(plan.idle, spec, context));
	}
}

const exportRuns: ExportRun[] = [];
if (selected(plan.export.id)) {
	progress.log(`${plan.export.id}: ${plan.export.title}`);
	backgroundLoad.push(await quietMachine());
	exportRuns.push(await runExport(plan.export, context));
}

/** The command as it was typed, for the report. */
function commandLine(): string {
	const flags = [
		quick && "--quick",
		only && `--only ${only.join(",")}`,
		serverFilter !== undefined && `--server ${JSON.stringify(serverFilter)}`,
		options.profile === true && "--profile",
		options["no-wait"] === true && "--no-wait",
	].filter((flag): flag is string => typeof flag === "string");
	return `npm run bench${flags.length > 0 ? ` -- ${flags.join(" ")}` : ""}`;
}

const partial = {
	meta: {
		date,
		command: commandLine(),
		quick,
		durationSeconds: (performance.now() - started) / 1000,
		backgroundCoresBeforeServers: backgroundLoad,
		...machineFacts(repoRoot),
		localTracing,
	},
	rooms,
	idle,
	history,
	search,
	ceilings: collectCeilings(rooms),
	failures: [...skipped, ...collectFailures(rooms, idle, history, search)],
};
const results: Results = { ...partial, targets: checkTargets(partial) };

mkdirSync(outDir, { recursive: true });
writeFileSync(
	join(outDir, "results.json"),
	`${JSON.stringify({ ...results, exports: exportRuns }, null, "\t")}\n`,
);
writeFileSync(join(outDir, "chart.svg"), await renderChart(results));
progress.clear();
process.stdout.write(
	`${formatTables(results)}\n\nwritten: ${join(outDir, "results.json")}, ${join(outDir, "chart.svg")}\n`,
);

clearTimeout(watchdog);
if (results.failures.length > 0 || exportRuns.some((run) => run.errors.length > 0)) {
	// The servers' logs stay for whoever investigates the failure.
	process.stdout.write(`server logs: ${workspaceDir}\n`);
	process.exit(1);
}
rmSync(workspaceDir, { recursive: true, force: true });
process.exit(0);
