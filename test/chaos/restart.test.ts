import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { freePort } from "../../bench/lib/ports.ts";
import { Child } from "../../bench/servers/child.ts";
import { bundleWorker } from "../../bench/servers/servers.ts";
import type { CreatedChat, HistoryPage, IssuedToken } from "../../worker/protocol";
import { ChaosMember, type Connect } from "./member";
import { chaosProblems, seededRandom, wholeHistory } from "./verdict";

/**
 * The chaos suite's second half: the runtime itself (workerd, straight, no dev proxy) is killed
 * with SIGKILL twice while messages flow, and started again on the same state directory.
 */

const repo = resolve(import.meta.dirname, "../..");
const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
const workspace = mkdtempSync(join(tmpdir(), "edgechat-chaos-"));
const members = 6;
const ticks = 300;
const tickMs = 20;
const killAt = new Set([100, 200]);

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

class Runtime {
	private child: Child | null = null;
	private starts = 0;

	private readonly args: string[];
	readonly origin: string;

	private constructor(args: string[], origin: string) {
		this.args = args;
		this.origin = origin;
	}

	static async create(): Promise<Runtime> {
		const bundle = await bundleWorker("wrangler.toml", { repoRoot: repo, dir: workspace });
		const port = await freePort();
		const vars = { ROOM_SHARD_CAPACITY: "2", ROOM_FANOUT_DIRECT_MAX: "2", PRESENCE_WINDOW_MS: "40" };
		const state = join(workspace, "state");
		const args = [
			"bench/servers/direct-host.ts",
			"wrangler.toml",
			bundle,
			String(port),
			state,
			JSON.stringify(vars),
			"--api-only",
		];
		return new Runtime(args, `http://127.0.0.1:${port}`);
	}

	async start(): Promise<void> {
		this.starts += 1;
		const child = new Child(process.execPath, this.args, {
			cwd: repo,
			logPath: join(workspace, `runtime-${this.starts}.log`),
		});
		this.child = child;
		const deadline = Date.now() + 60_000;
		while (Date.now() < deadline) {
			if (child.hasExited) throw new Error(`the runtime ${child.describeExit()}:\n${child.tail()}`);
			try {
				if ((await fetch(`${this.origin}/api/health`)).ok) return;
			} catch {
				// Not listening yet.
			}
			await new Promise((done) => setTimeout(done, 100));
		}
		throw new Error(`the runtime did not start within 60 s:\n${child.tail()}`);
	}

	/** SIGKILL to the runtime and everything it started: no shutdown, no flush, as a crash. */
	async kill(): Promise<void> {
		const child = this.child;
		if (!child) return;
		child.signalGroup("SIGKILL");
		await child.stop(0);
		this.child = null;
	}

	async api<T>(path: string, init: RequestInit = {}): Promise<T> {
		const response = await fetch(`${this.origin}${path}`, init);
		if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
		return response.json() as Promise<T>;
	}

	/** A member's sockets, the token as a subprotocol; refused while the runtime is down. */
	sockets(chatId: string, token: string): Connect {
		return (since, handlers) =>
			new Promise((opened, failed) => {
				const query = since === undefined ? "" : `?since=${since}`;
				const url = `${this.origin.replace("http", "ws")}/api/chats/${chatId}/ws${query}`;
				const socket = new WebSocket(url, ["edgechat.v1", `edgechat.token.${token}`]);
				socket.on("message", (data) => handlers.frame(data.toString()));
				socket.on("close", () => handlers.closed());
				socket.on("error", failed);
				socket.on("open", () =>
					opened({ send: (frame) => socket.send(frame), kill: () => socket.terminate() }),
				);
			});
	}
}

const post = (body: unknown): RequestInit => ({
	method: "POST",
	headers: { "Content-Type": "application/json" },
	body: JSON.stringify(body),
});

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) return false;
		await new Promise((done) => setTimeout(done, 25));
	}
	return true;
}

describe(`a spread chat whose runtime is killed (CHAOS_SEED=${seed})`, () => {
	it("keeps every acknowledged message with its seq and text, stores none twice, and goes on counting", async () => {
		const random = seededRandom(seed);
		const runtime = await Runtime.create();
		await runtime.start();
		try {
			const chat = await runtime.api<CreatedChat>("/api/chats", post({ name: "Chaos" }));
			const crowd: ChaosMember[] = [];
			for (let index = 0; index < members; index++) {
				const { token } = await runtime.api<IssuedToken>(
					`/api/chats/${chat.id}/tokens`,
					post({ name: `member${index}` }),
				);
				const member = new ChaosMember(`m${index}`, runtime.sockets(chat.id, token));
				crowd.push(member);
				await member.reconnect();
			}
			let kills = 0;
			let socketKills = 0;
			for (let tick = 0; tick < ticks; tick++) {
				await new Promise((done) => setTimeout(done, tickMs));
				if (killAt.has(tick)) {
					// Mid-stream: a send of every member is in flight as the runtime dies.
					for (const member of crowd) member.send();
					kills += 1;
					await runtime.kill();
					await runtime.start();
				}
				const member = crowd[Math.floor(random() * crowd.length)] as ChaosMember;
				const roll = random();
				if (roll < 0.5) member.send(random() < 0.2);
				else if (roll < 0.6) {
					socketKills += 1;
					member.kill();
				}
				for (const other of crowd)
					if (!other.online && random() < 0.3) void other.reconnect().catch(() => {});
			}

			const settled = await until(() => {
				for (const member of crowd) if (!member.online) void member.reconnect().catch(() => {});
				return crowd.every((member) => member.unacknowledged === 0);
			}, 20_000);
			const history = await wholeHistory((query) =>
				runtime.api<HistoryPage>(`/api/chats/${chat.id}/messages${query}`),
			);
			const lastSeq = history.at(-1)?.seq ?? 0;
			await until(() => crowd.every((member) => member.highestSeq >= lastSeq), 10_000);
			for (const member of crowd) member.stop();

			const acked = crowd.reduce((sum, member) => sum + member.acked.size, 0);
			const retries = crowd.reduce((sum, member) => sum + member.stats.retries + member.stats.raced, 0);
			console.log(
				`chaos seed ${seed}: ${acked} acknowledged, ${lastSeq} stored, ${retries} retries, ${kills} runtime kills, ${socketKills} socket kills`,
			);
			expect(chaosProblems(history, crowd)).toEqual([]);
			expect(settled).toBe(true);
			expect(lastSeq).toBe(acked);
			expect(acked).toBeGreaterThan(100);
			expect(kills).toBe(2);
			expect(retries).toBeGreaterThan(members);
		} finally {
			await runtime.kill();
		}
	});
});
