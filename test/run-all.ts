/**
 * `npm test`: every check, then one closing line with the count of tests passed, failed and
 * skipped over all test runs (read from their vitest JSON reports in dist/test-results).
 * Every step runs even when an earlier one failed, so the line covers the whole suite; the exit
 * code is non-zero if any step failed or any test did.
 *
 * The steps run in two lanes at once. The suites against `wrangler dev` spend most of their time
 * waiting on a browser, a server or a timer (about a third of a core), so the checks that keep a
 * core busy (types, lint, the suites inside workerd, the benchmark's tests) run beside them; that
 * halves the wall time on a 2-core machine. The web client is built once, before either lane, so
 * nothing rewrites dist/web while a server serves it; the bundle check, which builds it again,
 * runs after both lanes.
 *
 * Each step has a deadline: a step that hangs (a runtime that never exits, say) is killed with
 * everything it started and counted as failed, so the whole command always ends, and says where.
 * A step's output is printed whole when it ends, so that the two lanes' lines do not interleave.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { processTree } from "../bench/lib/proc.ts";

const repo = resolve(import.meta.dirname, "..");
const reports = join(repo, "dist/test-results");
const first = ["build:web"];
const lanes = [
	["test:e2e", "test:client-spread"],
	["typecheck", "lint", "test:worker", "test:spread", "test:chaos", "test:bench"],
];
const last = ["check:bundle"];

// Reports of an earlier run must not be counted again.
rmSync(reports, { recursive: true, force: true });

/** The longest step (the browser tests) takes under 4 minutes on a 2-core machine, beside the other lane. */
const stepDeadlineMs = 8 * 60_000;

/** Tells the suites against `wrangler dev` that dist/web is built already (test/e2e/global-setup.ts). */
const environment = { ...process.env, EDGECHAT_WEB_BUILT: "1" };

/**
 * Stops a step with everything it started: its process group, and the processes below it that
 * made groups of their own (the suites' `wrangler dev`, so that their global teardown can stop it).
 */
function stopStep(group: number): void {
	for (const pid of [-group, ...processTree(group)]) {
		try {
			process.kill(pid, "SIGKILL");
		} catch {
			// Gone already.
		}
	}
}

/** Process groups of the steps running now: stopped with this command, however it ends. */
const running = new Set<number>();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
	process.on(signal, () => {
		for (const group of running) stopStep(group);
		process.exit(130);
	});
}

/** Runs one npm script in a process group of its own; resolves to why it failed, or null. */
function runStep(step: string): Promise<string | null> {
	return new Promise((done) => {
		const child = spawn("npm", ["run", step], {
			cwd: repo,
			env: environment,
			stdio: ["ignore", "pipe", "pipe"],
			detached: true,
		});
		const group = child.pid;
		if (group !== undefined) running.add(group);
		const output: Buffer[] = [];
		child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
		child.stderr.on("data", (chunk: Buffer) => output.push(chunk));
		let timedOut = false;
		const deadline = setTimeout(() => {
			timedOut = true;
			output.push(Buffer.from(`\n${step} ran past ${stepDeadlineMs / 60_000} minutes: stopping it\n`));
			if (group !== undefined) stopStep(group);
		}, stepDeadlineMs);
		child.on("close", (code, signal) => {
			clearTimeout(deadline);
			if (group !== undefined) running.delete(group);
			process.stdout.write(`\n──── ${step} ────\n${Buffer.concat(output).toString()}`);
			if (timedOut) done(`${step} (timed out)`);
			else done(code === 0 ? null : `${step} (exit ${code ?? signal})`);
		});
	});
}

const failedSteps: string[] = [];
const durations = new Map<string, number>();

async function runLane(steps: string[]): Promise<void> {
	for (const step of steps) {
		console.log(`started ${step}`);
		const started = performance.now();
		const failure = await runStep(step);
		durations.set(step, Math.round((performance.now() - started) / 1000));
		if (failure !== null) failedSteps.push(failure);
	}
}

const started = performance.now();
await runLane(first);
await Promise.all(lanes.map(runLane));
await runLane(last);
const wallSeconds = Math.round((performance.now() - started) / 1000);

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

const laneLine = (steps: string[]) =>
	steps.map((step) => `${step} ${durations.get(step) ?? "-"} s`).join(", ");
console.log(
	`\nSteps: ${laneLine(first)}; then at once: [${lanes.map(laneLine).join("] [")}]; ${laneLine(last)}`,
);
console.log(`Wall time: ${wallSeconds} s`);
if (failedSteps.length > 0) console.log(`Failed: ${failedSteps.join(", ")}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failedSteps.length > 0 || failed > 0 || passed === 0 ? 1 : 0);
