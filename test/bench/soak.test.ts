import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { MemberLedger } from "../../bench/soak/ledger.ts";
import { type SoakResults, totals } from "../../bench/soak/results.ts";

/**
 * `npm run bench -- --soak` shortened to half a minute: the same mix against the real runtime
 * (joins, leaves, retried sends, typing, history reads, reconnects with `since`), sampled, and
 * every delivery and acknowledged send checked. Figures belong to the full run; this asserts that
 * nothing was lost or repeated and that memory and the isolate's heap were sampled.
 */

const repoRoot = resolve(import.meta.dirname, "../..");
const out = mkdtempSync(join(tmpdir(), "bench-soak-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("npm run bench -- --soak (30 s)", () => {
	it("loses and repeats nothing, and samples the runtime's memory and heap", async () => {
		await promisify(execFile)(
			process.execPath,
			["bench/run.ts", "--soak", "--soak-seconds", "30", "--out", out],
			{
				cwd: repoRoot,
				env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
				timeout: 90_000,
				maxBuffer: 16 * 1024 * 1024,
			},
		);
		const results: SoakResults = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
		const all = totals(results.verdicts);

		expect(results.failures).toEqual([]);
		expect(all.lost).toBe(0);
		expect(all.duplicated).toBe(0);
		expect(all.delivered).toBe(all.owed);
		expect(all.owed).toBeGreaterThan(1000);
		// Every acknowledged send is in the history once; retries were sent and answered.
		expect(all.acked).toBe(results.counters.acked);
		expect(all.ackedMissing + all.ackedRepeated).toBe(0);
		expect(all.retryAnswers).toBeGreaterThan(0);
		expect(results.mix.reconnects).toBeGreaterThan(0);
		expect(results.mix.leaves).toBeGreaterThan(0);
		expect(results.history.reads).toBeGreaterThan(0);
		// The spread chat really spans several objects.
		expect(results.chats[0]?.objects).toBeGreaterThan(1);
		expect(results.samples.length).toBeGreaterThanOrEqual(5);
		for (const sample of results.samples) {
			expect(sample.workerdRssBytes).toBeGreaterThan(0);
			expect(sample.heapUsedBytes).toBeGreaterThan(0);
		}
		expect(readFileSync(join(out, "README.md"), "utf8")).toContain("lost / duplicated deliveries");
	});
});

describe("soak ledger", () => {
	it("takes a retry's answer for an answer, and a second broadcast for a duplicate", () => {
		const ledger = new MemberLedger("u1", 10);
		ledger.recordSend("c1", "hi");
		ledger.recordRetry("c1");
		ledger.receive(11, "u1", "c1");
		expect(ledger.settled).toBe(false);
		ledger.receive(11, "u1", "c1");
		expect(ledger.settled).toBe(true);
		expect(ledger.retryAnswers).toBe(1);
		expect(ledger.duplicates).toBe(0);
		ledger.receive(11, "u1", "c1");
		ledger.receive(12, "u2", "x");
		ledger.receive(12, "u2", "x");
		expect(ledger.duplicates).toBe(2);
	});

	it("finds what a member missed in its own window, and nothing before it joined", () => {
		const ledger = new MemberLedger("u1", 10);
		for (const seq of [11, 13]) ledger.receive(seq, "u2", undefined);
		const stored = [9, 10, 11, 12, 13, 14];
		// Still connected at the end: owed 14 too. Gone: owed up to its last message only.
		expect(ledger.missing(stored, 14)).toEqual([12, 14]);
		expect(ledger.missing(stored, null)).toEqual([12]);
	});
});
