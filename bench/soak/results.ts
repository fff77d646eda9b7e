import type { machineFacts } from "../lib/machine.ts";
import type { SoakCounters } from "./member.ts";
import type { MixCounts, MixRates } from "./mix.ts";
import type { Growth, SoakSample } from "./samples.ts";
import type { ChatVerdict } from "./verify.ts";

/** Everything one soak run measured: docs/bench/soak/results.json. */
export interface SoakResults {
	meta: {
		date: string;
		command: string;
		/** The mix's planned length, and how long it actually ran. */
		seconds: number;
		mixSeconds: number;
		sampleEverySeconds: number;
		server: string;
		vars: Record<string, string>;
		rates: MixRates;
		seed: number;
		/** The isolates the inspector listed; heap figures are the user Worker's (`core:user:`). */
		inspectorTargets: string[];
		machine?: ReturnType<typeof machineFacts>;
	};
	chats: { name: string; sockets: number; objects: number | null }[];
	samples: SoakSample[];
	growth: {
		workerdRss: Growth | null;
		treeRss: Growth | null;
		heapUsed: Growth | null;
		/** workerd RSS less the isolate's committed heap (absent in runs before it was added). */
		outsideHeap?: Growth | null;
		outsideHeapSecondHalf?: Growth | null;
	};
	counters: SoakCounters;
	mix: MixCounts;
	history: { p50: number; p99: number; reads: number; errors: number };
	verdicts: ChatVerdict[];
	/** Why the run failed; empty when it passed. */
	failures: string[];
}

export function totals(verdicts: readonly ChatVerdict[]) {
	const sum = (read: (verdict: ChatVerdict) => number) => verdicts.reduce((total, v) => total + read(v), 0);
	return {
		owed: sum((v) => v.owed),
		delivered: sum((v) => v.delivered),
		lost: sum((v) => v.lost),
		duplicated: sum((v) => v.duplicated),
		outOfOrder: sum((v) => v.outOfOrder),
		unknown: sum((v) => v.unknown),
		retryAnswers: sum((v) => v.retryAnswers),
		retryMismatches: sum((v) => v.retryMismatches),
		stored: sum((v) => v.history.stored),
		acked: sum((v) => v.history.acked),
		ackedMissing: sum((v) => v.history.ackedMissing),
		ackedRepeated: sum((v) => v.history.ackedRepeated),
		textMismatches: sum((v) => v.history.textMismatches),
		unacked: sum((v) => v.history.unacked),
		refused: sum((v) => v.history.refused),
	};
}

/** Lost, repeated or altered messages, a run too short to sample, or refusals: the run fails. */
export function soakFailures(results: Omit<SoakResults, "failures">): string[] {
	const all = totals(results.verdicts);
	const failures: string[] = [];
	const expectZero = (count: number, what: string) => {
		if (count > 0) failures.push(`${count} ${what}`);
	};
	expectZero(all.lost, "deliveries lost");
	expectZero(all.duplicated, "deliveries duplicated");
	expectZero(all.outOfOrder, "deliveries out of order");
	expectZero(all.unknown, "deliveries of messages the history does not hold");
	expectZero(all.retryMismatches, "retries answered with another message");
	expectZero(all.ackedMissing, "acknowledged messages missing from history");
	expectZero(all.ackedRepeated, "acknowledged messages stored more than once");
	expectZero(all.textMismatches, "acknowledged messages stored with other text");
	expectZero(all.refused, "sends refused");
	expectZero(results.history.errors, "history reads failed or out of order");
	if (all.acked === 0) failures.push("no send was acknowledged");
	if (results.samples.length < 3) failures.push(`only ${results.samples.length} samples taken`);
	for (const verdict of results.verdicts) {
		for (const example of [...verdict.lossExamples, ...verdict.history.examples])
			failures.push(`${verdict.chat}: ${example}`);
	}
	return failures;
}
