import type { SearchRun, TargetCheck } from "./results.ts";

const count = (value: number) => Math.round(value).toLocaleString("en-US");

/** The search scenario's lines of the terminal report: the run, then each kind of search. */
export function searchLines(runs: SearchRun[]): string[] {
	return runs.flatMap((run) => [
		`${run.scenario}: ${count(run.messages)} messages seeded in ${run.seedSeconds.toFixed(1)} s, ` +
			`indexed in ${run.buildSeconds.toFixed(1)} s; searches in room p50 ${run.perCallMs.p50} ms, p99 ${run.perCallMs.p99} ms, ` +
			`max ${run.perCallMs.max} ms (clock step ${run.clockStepMs} ms); a post's storage work ` +
			`${run.post.indexedMicros.toFixed(0)} µs with the index, ${run.post.floorMicros.toFixed(0)} µs without (${run.post.ratio.toFixed(2)}x)`,
		...run.kinds.map(
			(kind) =>
				`  ${kind.name} (${kind.text}): p50 ${kind.perCallMs.p50} ms, p99 ${kind.perCallMs.p99} ms, ` +
				`max ${kind.perCallMs.max} ms over ${kind.samples}; ${kind.found}${kind.hasMore ? "+" : ""} found`,
		),
	]);
}

/** The two figures for search: p99 in the room, and a post's cost with the index against without. */
export function searchTargets(runs: SearchRun[]): TargetCheck[] {
	return runs.flatMap((run) => {
		// A reading of n on a clock that moves in steps of s means less than n + s.
		const bound = run.perCallMs.p99 + run.clockStepMs;
		const slowest = [...run.kinds].sort((a, b) => b.perCallMs.p99 - a.perCallMs.p99)[0];
		return [
			{
				target: `Search in a chat of ${count(run.messages)} messages: p99 < 50 ms in the room`,
				measured:
					`p99 < ${bound} ms over ${run.kinds.length} kinds of search (reads ${run.perCallMs.p99} ms on a ` +
					`${run.clockStepMs} ms clock; slowest kind: ${slowest?.name ?? "-"}, p99 ${slowest?.perCallMs.p99 ?? 0} ms)`,
				met: run.errors.length === 0 && bound <= 50,
			},
			{
				target: "Posting with the search index costs at most 1.3x posting without it (same object, same run)",
				measured:
					`${run.post.ratio.toFixed(2)}x: ${run.post.indexedMicros.toFixed(0)} µs against ` +
					`${run.post.floorMicros.toFixed(0)} µs per post's storage work, over ${count(run.post.posts)} posts`,
				met: run.errors.length === 0 && run.post.ratio <= 1.3,
				// A quick run times too few posts for a ratio of two small costs to mean much.
				fullRunOnly: true,
			},
		];
	});
}
