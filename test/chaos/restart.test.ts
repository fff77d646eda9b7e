import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stopAllChildrenNow } from "../../bench/servers/child.ts";
import { CrashableRuntime, jsonPost } from "../../bench/servers/crash-runtime.ts";
import type { CreatedChat, HistoryPage, IssuedToken } from "../../worker/protocol/index.ts";
import { ChaosMember } from "./member.ts";
import { reconnectAll, settle } from "./settle.ts";
import { chaosProblems, seededRandom } from "./verdict.ts";

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

afterAll(() => {
	// Whatever happened in the test, no runtime outlives it.
	stopAllChildrenNow();
	rmSync(workspace, { recursive: true, force: true });
});

describe(`a spread chat whose runtime is killed (CHAOS_SEED=${seed})`, () => {
	it("keeps every acknowledged message with its seq and text, stores none twice, and goes on counting", async () => {
		const random = seededRandom(seed);
		const runtime = await CrashableRuntime.create(
			{ repoRoot: repo, dir: workspace },
			{
				ROOM_SHARD_CAPACITY: "2",
				ROOM_FANOUT_DIRECT_MAX: "2",
				PRESENCE_WINDOW_MS: "40",
			},
		);
		await runtime.start();
		try {
			const chat = await runtime.api<CreatedChat>("/api/chats", jsonPost({ name: "Chaos" }));
			const crowd: ChaosMember[] = [];
			for (let index = 0; index < members; index++) {
				const { token } = await runtime.api<IssuedToken>(
					`/api/chats/${chat.id}/tokens`,
					jsonPost({ name: `member${index}` }),
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

			const {
				history,
				stored: lastSeq,
				settled,
			} = await settle(
				crowd,
				(query) => runtime.api<HistoryPage>(`/api/chats/${chat.id}/messages?${query}`),
				() => reconnectAll(crowd),
				{ ackMs: 20_000, seenMs: 10_000 },
			);

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
