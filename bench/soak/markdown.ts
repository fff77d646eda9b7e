import { type SoakResults, totals } from "./results.ts";
import type { Growth } from "./samples.ts";

const mib = (bytes: number | null | undefined) =>
	bytes === null || bytes === undefined ? "-" : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const count = (value: number) => value.toLocaleString("en-US");

/** "flat" or the growth per hour, with the fit it comes from. */
export function describeGrowth(growth: Growth | null): string {
	if (!growth) return "too few samples to fit";
	const perHour = `${growth.perHourBytes >= 0 ? "+" : ""}${mib(growth.perHourBytes)}/h`;
	const fit = `fit over ${growth.samples} samples from ${Math.round(growth.fromSeconds)} s, residual ±${mib(growth.residualBytes)}`;
	return growth.flat ? `flat (${perHour}, within noise; ${fit})` : `${perHour} (${fit})`;
}

/** The soak's page: docs/bench/soak/README.md. */
export function soakMarkdown(results: SoakResults): string {
	const { meta, samples, growth } = results;
	const first = samples[0];
	const last = samples.at(-1);
	const all = totals(results.verdicts);
	const machine = meta.machine;
	const sockets = results.chats.reduce((sum, chat) => sum + chat.sockets, 0);
	const chats = results.chats
		.map(
			(chat) =>
				`${chat.name}: ${chat.sockets} sockets${chat.objects === null ? "" : ` on ${chat.objects} object(s)`}`,
		)
		.join("; ");
	const rates = meta.rates;
	const lines = [
		"# edgechat soak: memory over time, nothing lost",
		"",
		`    ${meta.command}`,
		"",
		`*Run on ${meta.date.slice(0, 10)}${machine ? ` (commit ${machine.gitCommit}), ${machine.cores} cores (${machine.cpuModel}), Node ${machine.node.replace(/^v/, "")}, wrangler ${machine.wrangler}` : ""}; ` +
			`mix ran ${(meta.mixSeconds / 60).toFixed(1)} min, a sample every ${meta.sampleEverySeconds} s. Every figure: [results.json](results.json).*`,
		"",
		`Server: ${meta.server}. Vars: ${Object.entries(meta.vars)
			.map(([name, value]) => `${name}=${value}`)
			.join(", ")}.`,
		"",
		`Load: ${sockets} sockets (${chats}). Per second: ${rates.sends} sends (${rates.retryShare * 100}% retried with the same clientId, ` +
			`half racing the original), ${rates.typing} typing notices, ${rates.reconnects} reconnects with \`since\`, ` +
			`${rates.churn} members leaving for good with a new user joining, ${rates.historyReads} history page reads.`,
		"",
		"| measured (one run) | figure |",
		"| --- | --- |",
		`| runtime RSS (workerd), first → last sample | ${mib(first?.workerdRssBytes)} → ${mib(last?.workerdRssBytes)} |`,
		`| runtime RSS growth | ${describeGrowth(growth.workerdRss)} |`,
		`| server tree RSS (workerd + Miniflare's Node host) | ${mib(first?.treeRssBytes)} → ${mib(last?.treeRssBytes)}; ${describeGrowth(growth.treeRss)} |`,
		`| Worker isolate heap committed (what V8 holds from the OS) | ${mib(first?.heapCommittedBytes)} → ${mib(last?.heapCommittedBytes)} |`,
		`| workerd RSS outside the committed heap (native memory) | ${mib(first && first.heapCommittedBytes !== null ? first.workerdRssBytes - first.heapCommittedBytes : null)} → ${mib(last && last.heapCommittedBytes !== null ? last.workerdRssBytes - last.heapCommittedBytes : null)}; ${describeGrowth(growth.outsideHeap ?? null)} |`,
		`| native memory, second half of the run only | ${describeGrowth(growth.outsideHeapSecondHalf ?? null)} |`,
		`| Worker isolate heap used (V8, garbage included) | ${mib(first?.heapUsedBytes)} → ${mib(last?.heapUsedBytes)}; ${describeGrowth(growth.heapUsed)} |`,
		`| sends / retries / acknowledged | ${count(results.counters.sent)} / ${count(results.counters.retried)} / ${count(results.counters.acked)} |`,
		`| deliveries owed / made (retry answers apart: ${count(all.retryAnswers)}) | ${count(all.owed)} / ${count(all.delivered)} |`,
		`| **lost / duplicated deliveries** | **${all.lost} / ${all.duplicated}** (out of order ${all.outOfOrder}) |`,
		`| acknowledged sends in history exactly once | ${count(all.acked - all.ackedMissing - all.ackedRepeated)} of ${count(all.acked)} (${count(all.stored)} stored; ${all.unacked} sends never acknowledged, not owed) |`,
		`| joins / leaves / reconnects with since / dropped by the server | ${count(results.mix.joins)} / ${count(results.mix.leaves)} / ${count(results.mix.reconnects)} / ${count(results.counters.unexpectedCloses)} |`,
		`| typing sent / received, presence frames | ${count(results.counters.typingSent)} / ${count(results.counters.typingReceived)}, ${count(results.counters.presenceFrames)} |`,
		`| history page reads, p50 / p99 | ${count(results.history.reads)}, ${results.history.p50.toFixed(1)} / ${results.history.p99.toFixed(1)} ms |`,
		`| verdict | ${results.failures.length === 0 ? "passed" : `failed: ${results.failures.join("; ")}`} |`,
		"",
		"## Over time",
		"",
		"| time | workerd RSS | heap used | sockets | server CPU | sent | acked | delivered |",
		"| --- | --- | --- | --- | --- | --- | --- | --- |",
		...everyNth(samples, 16).map(
			(sample) =>
				`| ${(sample.atSeconds / 60).toFixed(1)} min | ${mib(sample.workerdRssBytes)} | ${mib(sample.heapUsedBytes)} | ` +
				`${sample.sockets} | ${(sample.serverCores * 100).toFixed(0)}% | ${count(sample.counters.sent)} | ` +
				`${count(sample.counters.acked)} | ${count(sample.counters.delivered)} |`,
		),
		"",
		"Growth is a least-squares line of memory against time, leaving out the first fifth of the run " +
			"(start-up: objects started, code compiled, caches filled); it is called flat when what the line " +
			"gains over the run is within twice the spread of the samples around it, or under 1% of the mean. " +
			"The heap figure is V8's used size, garbage not yet collected included (workerd's inspector " +
			"cannot force a collection), so it saws up and down between collections.",
		"",
	];
	return lines.join("\n");
}

/** At most about `max` samples, evenly spaced, the first and the last always included. */
function everyNth<T>(items: readonly T[], max: number): T[] {
	if (items.length <= max) return [...items];
	const step = (items.length - 1) / (max - 1);
	return Array.from({ length: max }, (_, at) => items[Math.round(at * step)]).filter(
		(item): item is T => item !== undefined,
	);
}
