import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { freePort } from "../../bench/lib/ports.ts";

declare module "vitest" {
	export interface ProvidedContext {
		/** Origin of the app under test, e.g. http://127.0.0.1:41234 */
		baseUrl: string;
	}
}

const repo = resolve(import.meta.dirname, "../..");
const artifacts = join(repo, "test/e2e/artifacts");
const healthTimeoutMs = 90_000;
const stopTimeoutMs = 8000;

/**
 * Builds the web client (unless `npm test` already has), starts the real app (`wrangler dev`: workerd, Durable Objects, static
 * assets) on free loopback ports with a throw-away state directory, and stops the whole process
 * tree afterwards, also when starting fails.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	// `npm test` builds once before its lanes (test/run-all.ts): a build here would rewrite the
	// files another lane's server may be reading.
	if (process.env.EDGECHAT_WEB_BUILT !== "1") {
		const build = spawnSync(process.execPath, [join(repo, "node_modules/vite/bin/vite.js"), "build"], {
			cwd: repo,
			encoding: "utf8",
		});
		if (build.status !== 0) throw new Error(`vite build failed:\n${build.stdout}\n${build.stderr}`);
	}

	const port = await freePort();
	const inspectorPort = await freePort();
	const state = mkdtempSync(join(tmpdir(), "edgechat-e2e-"));
	const log: string[] = [];
	const server = spawn(
		process.execPath,
		[
			join(repo, "node_modules/wrangler/bin/wrangler.js"),
			"dev",
			"--ip",
			"127.0.0.1",
			"--port",
			String(port),
			"--inspector-port",
			String(inspectorPort),
			"--persist-to",
			state,
			"--show-interactive-dev-session=false",
			// The directory's counts may lag by this much; shorter keeps the lobby test quick.
			"--var",
			"DIRECTORY_REPORT_MS:500",
			// Set by the spread runs: a tiny capacity spreads every chat over many objects.
			...(process.env.EDGECHAT_ROOM_SHARD_CAPACITY
				? ["--var", `ROOM_SHARD_CAPACITY:${process.env.EDGECHAT_ROOM_SHARD_CAPACITY}`]
				: []),
		],
		{
			cwd: repo,
			// Its own process group, so the teardown can stop workerd and every helper with it.
			detached: true,
			stdio: ["ignore", "pipe", "pipe"],
			env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
		},
	);
	server.stdout?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
	server.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));

	const stop = async () => {
		await stopProcessTree(server);
		rmSync(state, { recursive: true, force: true });
		mkdirSync(artifacts, { recursive: true });
		writeFileSync(join(artifacts, "wrangler.log"), log.join(""));
	};

	const baseUrl = `http://127.0.0.1:${port}`;
	try {
		await waitForHealth(baseUrl, server);
	} catch (error) {
		await stop();
		throw new Error(
			`${error instanceof Error ? error.message : String(error)}\n--- wrangler output ---\n${log.join("")}`,
		);
	}
	project.provide("baseUrl", baseUrl);
	return stop;
}

async function waitForHealth(baseUrl: string, server: ChildProcess): Promise<void> {
	const deadline = Date.now() + healthTimeoutMs;
	let lastProblem = "no answer yet";
	while (Date.now() < deadline) {
		if (server.exitCode !== null) throw new Error(`wrangler dev exited with code ${server.exitCode}`);
		try {
			const response = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2000) });
			if (response.ok) return;
			lastProblem = `HTTP ${response.status}`;
		} catch (error) {
			lastProblem = error instanceof Error ? error.message : String(error);
		}
		await new Promise((done) => setTimeout(done, 250));
	}
	throw new Error(`GET ${baseUrl}/api/health did not answer within ${healthTimeoutMs} ms (${lastProblem})`);
}

async function stopProcessTree(child: ChildProcess): Promise<void> {
	if (child.pid === undefined || child.exitCode !== null) return;
	const exited = new Promise<void>((done) => child.once("exit", () => done()));
	signalGroup(child.pid, "SIGTERM");
	const timedOut = await Promise.race([
		exited.then(() => false),
		new Promise<boolean>((done) => setTimeout(() => done(true), stopTimeoutMs)),
	]);
	// workerd may outlive wrangler's own exit: make sure nothing of the group is left running.
	signalGroup(child.pid, "SIGKILL");
	if (timedOut) await exited;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// The group is already gone.
	}
}
