/**
 * `npm test`: every check in order, then one closing line with the count of tests passed, failed
 * and skipped over all test runs (read from their vitest JSON reports in dist/test-results).
 * Every step runs even when an earlier one failed, so the line covers the whole suite; the exit
 * code is non-zero if any step failed or any test did.
 *
 * Each step has a deadline: a step that hangs (a runtime that never exits, say) is killed with
 * everything it started and counted as failed, so the whole command always ends, and says where.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const repo = resolve(import.meta.dirname, "..");
const reports = join(repo, "dist/test-results");
const steps = [
	"typecheck",
	"lint",
	"test:worker",
	"test:spread",
	"test:regions",
	"test:e2e",
	"test:client-spread",
	"test:chaos",
	"test:bench",
	"check:bundle",
];

// Reports of an earlier run must not be counted again.
rmSync(reports, { recursive: true, force: true });

/** The longest step (the browser tests) takes under 4 minutes on a 2-core machine; ten deadlines (80 minutes) leave room inside 90. */
const stepDeadlineMs = 8 * 60_000;

/** Runs one npm script in a process group of its own; resolves to why it failed, or null. */
function runStep(step: string): Promise<string | null> {
	return new Promise((done) => {
		const child = spawn("npm", ["run", step], { cwd: repo, stdio: "inherit", detached: true });
		let timedOut = false;
		const deadline = setTimeout(() => {
			timedOut = true;
			console.error(`\n${step} ran past ${stepDeadlineMs / 60_000} minutes: stopping it`);
			if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
		}, stepDeadlineMs);
		child.on("exit", (code, signal) => {
			clearTimeout(deadline);
			if (timedOut) done(`${step} (timed out)`);
			else done(code === 0 ? null : `${step} (exit ${code ?? signal})`);
		});
	});
}

const failedSteps: string[] = [];
const durations: string[] = [];
for (const step of steps) {
	const started = performance.now();
	const failure = await runStep(step);
	durations.push(`${step} ${Math.round((performance.now() - started) / 1000)} s`);
	if (failure !== null) failedSteps.push(failure);
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

console.log(`\nSteps: ${durations.join(", ")}`);
if (failedSteps.length > 0) console.log(`Failed: ${failedSteps.join(", ")}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failedSteps.length > 0 || failed > 0 || passed === 0 ? 1 : 0);
