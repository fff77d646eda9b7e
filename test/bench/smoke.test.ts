import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import type { Results } from "../../bench/report/results.ts";

/**
 * `npm run bench -- --quick` from start to end: it starts edgechat and the baselines the way the
 * full run does, drives every scenario, and stops everything it started. Only correctness is
 * asserted here (every delivery once, every server measured); figures belong to the bench itself.
 */

const repoRoot = resolve(import.meta.dirname, "../..");
const out = mkdtempSync(join(tmpdir(), "bench-smoke-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("npm run bench -- --quick", () => {
	it("runs every scenario with no delivery lost or repeated, and writes its report", async () => {
		await promisify(execFile)(process.execPath, ["bench/run.ts", "--quick", "--out", out], {
			cwd: repoRoot,
			env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
			// Past the quick run's own bound (4 min), so that its message says what hung.
			timeout: 270_000,
			maxBuffer: 16 * 1024 * 1024,
		});
		const results: Results = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));

		expect(results.failures).toEqual([]);
		const servers = new Set(results.rooms.map((run) => `${run.kind}${run.apiOnly ? " api-only" : ""}`));
		expect(servers).toEqual(new Set(["edgechat", "edgechat api-only", "bare-room", "node-ws"]));
		for (const run of results.rooms) {
			expect(run.errors).toEqual([]);
			expect(run.join.joined).toBe(run.clients);
			expect(run.phases.length).toBeGreaterThan(0);
			for (const phase of run.phases) {
				expect(phase.delivered).toBe(phase.expected);
				expect(phase.expected).toBeGreaterThan(0);
				expect(phase.duplicates).toBe(0);
			}
		}
		// The spread room is held by its root and five shards of 50 sockets.
		expect(results.rooms.find((run) => run.scenario === "spread-room-300")?.objects).toBe(6);
		// The tree's root is profiled, and its samples are told apart from its four shards'.
		const tree = results.rooms.find((run) => run.scenario === "tree-scale-4");
		expect(tree?.objects).toBe(5);
		const byObject = tree?.phases[0]?.profile?.byObject;
		expect(byObject?.root).toBeGreaterThan(0);
		expect(byObject?.shard).toBeGreaterThan(0);
		expect(results.idle.map((run) => run.wakeups)).toEqual(
			results.idle.map((run) => (run.kind === "node-ws" ? null : 0)),
		);
		const [history] = results.history;
		expect(history?.errors).toEqual([]);
		expect(history?.check.count).toBe(history?.limit);
		expect(results.targets.find((check) => check.target.startsWith("Zero lost"))?.met).toBe(true);

		const chart = readFileSync(join(out, "chart.svg"), "utf8");
		expect(chart.startsWith("<svg")).toBe(true);
		expect(chart).toContain("edgechat");
	});
});
