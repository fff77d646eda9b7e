/**
 * `npm run bench:faults` [-- --members N] [-- --out dir]: faults under load. A chat of N members
 * (default 1,000) spread over objects of 100 sockets each, straight to the runtime (no dev proxy,
 * no local tracing), takes a steady stream of messages while sockets are cut at random and the
 * runtime is killed with SIGKILL twice and started again on the same state. Every member resumes
 * with `since` and sends again what was not acknowledged, as ChatClient does.
 *
 * Required: 0 lost, 0 duplicated (every acknowledged message stored once with its seq and text,
 * every member handed every message once, in order). Measured: how long the chat takes to have
 * every member back and caught up after a crash, against the floor of the same run: how long the
 * runtime itself takes to start on that state.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ChaosMember } from "../test/chaos/member.ts";
import { settle, until } from "../test/chaos/settle.ts";
import { chaosProblems, seededRandom } from "../test/chaos/verdict.ts";
import type { CreatedChat, HistoryPage, IssuedToken } from "../worker/protocol/index.ts";
import { parseCommandLine } from "./lib/command-line.ts";
import { machineFacts } from "./lib/machine.ts";
import { sleep } from "./lib/time.ts";
import { stopAllChildrenNow } from "./servers/child.ts";
import { CrashableRuntime, jsonPost } from "./servers/crash-runtime.ts";

const usage = `
usage: npm run bench:faults [-- --members N] [-- --out dir]

A chat of N members (default 1,000) over objects of 100 sockets, straight to the runtime, under a
steady stream of messages while sockets are cut and the runtime is killed with SIGKILL twice.
Exits 1 if a message was lost or duplicated. About 2 minutes.

  --members N   members of the chat (default 1000)
  --out dir     where results.json goes (default docs/bench/faults)
  -h, --help    this text

CHAOS_SEED=N replays the random choices of an earlier run (it prints its seed).
`;
const { values: options } = parseCommandLine(usage, {
	options: { members: { type: "string", default: "1000" }, out: { type: "string" } },
});
const repoRoot = resolve(import.meta.dirname, "..");
const members = Number(options.members);
const outDir = resolve(repoRoot, options.out ?? "docs/bench/faults");
const capacity = 100;
const durationMs = 30_000;
const killsAtMs = [10_000, 20_000];
const sendsPerSecond = 40;
const socketCutsPerSecond = 2;
const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);

interface Recovery {
	/** SIGKILL to /api/health answering again: the runtime's own start on its state (the floor). */
	runtimeStartMs: number;
	/** SIGKILL to every member connected again. */
	everyoneBackMs: number;
	/** SIGKILL to every member handed every message stored before the kill. */
	caughtUpMs: number;
}

// However the run ends (an error, a signal, the deadline), the runtime it started goes with it.
process.on("exit", stopAllChildrenNow);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));
setTimeout(() => {
	log("the run did not finish within 10 min; stopping");
	process.exit(2);
}, 10 * 60_000).unref();

const random = seededRandom(seed);
const workspace = { repoRoot, dir: mkdtempSync(join(tmpdir(), "edgechat-faults-")) };
const runtime = await CrashableRuntime.create(workspace, {
	ROOM_SHARD_CAPACITY: String(capacity),
	// A bench sender is faster than a person (the per-address limits never count loopback clients).
	RATE_LIMIT_MESSAGES: "1000000000",
});
const coldStarted = performance.now();
await runtime.start();
const coldStartMs = performance.now() - coldStarted;

try {
	const chat = await runtime.api<CreatedChat>("/api/chats", jsonPost({ name: "Faults" }));
	const crowd: ChaosMember[] = [];
	for (let index = 0; index < members; index++) {
		const path = `/api/chats/${chat.id}/tokens`;
		const { token } = await runtime.api<IssuedToken>(path, jsonPost({ name: `member${index}` }));
		crowd.push(new ChaosMember(`m${index}`, runtime.sockets(chat.id, token)));
	}
	for (let first = 0; first < members; first += 50) {
		await Promise.all(crowd.slice(first, first + 50).map((member) => member.reconnect()));
	}
	log(
		`${members} members joined; load for ${durationMs / 1000} s, runtime killed at ${killsAtMs.join(" and ")} ms`,
	);

	const backoff = new Map<ChaosMember, { at: number; delayMs: number }>();
	/** Why reconnects failed, with how often: refused while the runtime was down, or by it. */
	const failedJoins = new Map<string, number>();
	/** Members without a socket try again with growing, jittered delays, as ChatClient does. */
	const rejoin = () => {
		const now = performance.now();
		for (const member of crowd) {
			if (member.online) {
				backoff.delete(member);
				continue;
			}
			const next = backoff.get(member) ?? { at: now, delayMs: 100 };
			if (now < next.at) continue;
			backoff.set(member, {
				at: now + next.delayMs * (0.5 + random()),
				delayMs: Math.min(next.delayMs * 2, 2000),
			});
			void member.reconnect().catch((error: unknown) => {
				const reason = String(error instanceof Error ? error.message : error);
				failedJoins.set(reason, (failedJoins.get(reason) ?? 0) + 1);
			});
		}
	};

	const recoveries: Recovery[] = [];
	const kills = [...killsAtMs];
	const started = performance.now();
	let sent = 0;
	let cuts = 0;
	let paused = 0;
	while (performance.now() - started - paused < durationMs) {
		await sleep(1000 / sendsPerSecond);
		const elapsed = performance.now() - started - paused;
		(crowd[Math.floor(random() * members)] as ChaosMember).send(random() < 0.1);
		sent += 1;
		if (random() < socketCutsPerSecond / sendsPerSecond) {
			cuts += 1;
			(crowd[Math.floor(random() * members)] as ChaosMember).kill();
		}
		if (kills[0] !== undefined && elapsed >= kills[0]) {
			kills.shift();
			log(`${Math.round(elapsed / 1000)} s in, ${sent} sent: killing the runtime`);
			const crashed = performance.now();
			recoveries.push(await crashAndRecover(crowd, rejoin));
			// The load runs for its whole duration outside the recoveries.
			paused += performance.now() - crashed;
		}
		rejoin();
	}

	// The load is over: everyone back, everything acknowledged, everything seen.
	const { history, stored } = await settle(
		crowd,
		(query) => runtime.api<HistoryPage>(`/api/chats/${chat.id}/messages?${query}`),
		rejoin,
		{ ackMs: 60_000, seenMs: 30_000 },
	);

	const problems = chaosProblems(history, crowd);
	const acknowledged = crowd.reduce((sum, member) => sum + member.acked.size, 0);
	const unacknowledged = crowd.reduce((sum, member) => sum + member.unacknowledged, 0);
	const lost = problems.filter(
		(problem) => problem.includes("not stored") || problem.includes("never got"),
	).length;
	const duplicated = problems.filter((problem) => problem.includes("twice")).length;
	const results = {
		command: `npm run bench:faults${options.members === "1000" ? "" : ` -- --members ${members}`}`,
		date: new Date().toISOString(),
		machine: machineFacts(repoRoot),
		transport: "straight to workerd (direct-host.ts): no dev proxy, no local tracing",
		seed,
		members,
		objects: Math.ceil(members / capacity),
		durationMs,
		sent,
		acknowledged,
		unacknowledged,
		stored,
		socketCuts: cuts,
		coldStartMs: Math.round(coldStartMs),
		recoveries: recoveries.map((recovery) => ({
			...recovery,
			everyoneBackRatio: round(recovery.everyoneBackMs / recovery.runtimeStartMs),
			caughtUpRatio: round(recovery.caughtUpMs / recovery.runtimeStartMs),
		})),
		failedJoins: Object.fromEntries(failedJoins),
		lost,
		duplicated,
		problems: problems.slice(0, 50),
	};
	mkdirSync(outDir, { recursive: true });
	writeFileSync(join(outDir, "results.json"), `${JSON.stringify(results, null, "\t")}\n`);
	log(
		`${acknowledged} acknowledged, ${stored} stored, ${unacknowledged} unacknowledged, ${lost} lost, ${duplicated} duplicated; results in ${outDir}`,
	);
	for (const [index, recovery] of results.recoveries.entries()) {
		log(
			`crash ${index + 1}: runtime up in ${recovery.runtimeStartMs} ms, everyone back in ${recovery.everyoneBackMs} ms (${recovery.everyoneBackRatio}x), caught up in ${recovery.caughtUpMs} ms (${recovery.caughtUpRatio}x)`,
		);
	}
	process.exitCode = problems.length === 0 && unacknowledged === 0 ? 0 : 1;
} finally {
	await runtime.kill();
}

/** Kills the runtime mid-stream, starts it again, and times the chat's way back. */
async function crashAndRecover(crowd: ChaosMember[], rejoin: () => void): Promise<Recovery> {
	// What any member had been handed when the runtime died: every member must get that far again.
	const lastSeq = Math.max(...crowd.map((member) => member.highestSeq));
	const killed = performance.now();
	await runtime.kill();
	await runtime.start();
	const runtimeStartMs = performance.now() - killed;
	let everyoneBackMs = 0;
	await until(() => {
		rejoin();
		if (everyoneBackMs === 0 && crowd.every((member) => member.online))
			everyoneBackMs = performance.now() - killed;
		return everyoneBackMs > 0 && crowd.every((member) => member.highestSeq >= lastSeq);
	}, 60_000);
	const caughtUpMs = performance.now() - killed;
	log(
		`crash: runtime up in ${Math.round(runtimeStartMs)} ms, everyone back in ${Math.round(everyoneBackMs)} ms`,
	);
	return {
		runtimeStartMs: Math.round(runtimeStartMs),
		everyoneBackMs: Math.round(everyoneBackMs),
		caughtUpMs: Math.round(caughtUpMs),
	};
}

function round(value: number): number {
	return Math.round(value * 100) / 100;
}

function log(line: string): void {
	process.stderr.write(`${line}\n`);
}
