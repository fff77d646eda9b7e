import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { machineFacts } from "../lib/machine.ts";
import type { Progress } from "../lib/progress.ts";
import type { Workspace } from "../servers/servers.ts";
import { runSoak } from "./command.ts";
import { describeGrowth, soakMarkdown } from "./markdown.ts";
import type { MixName } from "./mix.ts";
import { type SoakResults, totals } from "./results.ts";
import { growthOf } from "./samples.ts";

/** Runs the soak and writes results.json and README.md to `outDir`; returns whether it passed. */
export async function soakMain(options: {
	workspace: Workspace;
	progress: Progress;
	seconds: number;
	mix: MixName;
	shardCapacity?: number;
	command: string;
	outDir: string;
}): Promise<boolean> {
	// The code as it was when the run began.
	const machine = machineFacts(options.workspace.repoRoot);
	const results = await runSoak(options);
	results.meta.machine = machine;
	mkdirSync(options.outDir, { recursive: true });
	writeFileSync(join(options.outDir, "results.json"), `${JSON.stringify(results, null, "\t")}\n`);
	writeFileSync(join(options.outDir, "README.md"), soakMarkdown(results));
	const all = totals(results.verdicts);
	const first = results.samples[0];
	const last = results.samples.at(-1);
	const mib = (bytes: number | null | undefined) => `${((bytes ?? 0) / 2 ** 20).toFixed(1)} MiB`;
	options.progress.clear();
	process.stdout.write(
		[
			`soak (${results.meta.server})`,
			`  ${results.samples.length} samples over ${(results.meta.mixSeconds / 60).toFixed(1)} min`,
			`  workerd RSS ${mib(first?.workerdRssBytes)} -> ${mib(last?.workerdRssBytes)}: ${describeGrowth(results.growth.workerdRss)}`,
			`  isolate heap ${mib(first?.heapUsedBytes)} -> ${mib(last?.heapUsedBytes)}: ${describeGrowth(results.growth.heapUsed)}`,
			`  sent ${results.counters.sent}, retried ${results.counters.retried}, acked ${results.counters.acked}, delivered ${all.delivered} of ${all.owed} owed`,
			`  lost ${all.lost}, duplicated ${all.duplicated}; acked in history once: ${all.acked - all.ackedMissing - all.ackedRepeated} of ${all.acked}`,
			results.failures.length === 0 ? "  passed" : `  FAILED: ${results.failures.join("; ")}`,
			`written: ${join(options.outDir, "results.json")}, ${join(options.outDir, "README.md")}`,
			"",
		].join("\n"),
	);
	return results.failures.length === 0;
}

/**
 * `--soak --from results.json`: the fits again from the run's own samples (a run made before a
 * fit was added gets it), and README.md beside it rewritten. Nothing is run.
 */
export function redrawSoak(path: string): void {
	const results: SoakResults = JSON.parse(readFileSync(path, "utf8"));
	results.growth = growthOf(results.samples);
	writeFileSync(path, `${JSON.stringify(results, null, "\t")}\n`);
	writeFileSync(join(dirname(path), "README.md"), soakMarkdown(results));
	process.stdout.write(`written: ${path}, ${join(dirname(path), "README.md")}\n`);
}
