/**
 * `npm test`: every check in order, then one closing line with the count of tests passed, failed
 * and skipped over all test runs (read from their vitest JSON reports in dist/test-results).
 * Every step runs even when an earlier one failed, so the line covers the whole suite; the exit
 * code is non-zero if any step failed or any test did.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const repo = resolve(import.meta.dirname, "..");
const reports = join(repo, "dist/test-results");
const steps = [
	"typecheck",
	"lint",
	"test:worker",
	"test:spread",
	"test:e2e",
	"test:client-spread",
	"test:bench",
	"check:bundle",
];

// Reports of an earlier run must not be counted again.
rmSync(reports, { recursive: true, force: true });

const failedSteps: string[] = [];
for (const step of steps) {
	const run = spawnSync("npm", ["run", step], { cwd: repo, stdio: "inherit" });
	if (run.status !== 0) failedSteps.push(`${step} (exit ${run.status ?? run.signal})`);
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of existsSync(reports) ? readdirSync(reports) : []) {
	const report: unknown = JSON.parse(readFileSync(join(reports, file), "utf8"));
	if (typeof report !== "object" || report === null) continue;
	const count = (field: string) => {
		const value: unknown = Reflect.get(report, field);
		return typeof value === "number" ? value : 0;
	};
	passed += count("numPassedTests");
	failed += count("numFailedTests");
	skipped += count("numPendingTests") + count("numTodoTests");
}

if (failedSteps.length > 0) console.log(`\nFailed: ${failedSteps.join(", ")}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failedSteps.length > 0 || failed > 0 || passed === 0 ? 1 : 0);
