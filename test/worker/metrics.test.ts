import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { dataPointOf } from "../../worker/observability/metrics";
import { limits } from "../../worker/protocol";
import { bearer, createChat, joinToken, postJson, seedMessages, TestSocket } from "./helpers";
import { captureLogs, type LogLine } from "./log-capture";

/**
 * Metrics are Analytics Engine data points. The local runtime accepts them and drops them, so
 * these tests read the `metric` log line each one is mirrored as (METRICS_LOG=only in
 * vitest.config.ts; `wrangler dev` gets METRICS_LOG=true from .dev.vars: the dataset and the line).
 */
const logs = captureLogs();

function metrics(name: string, chatId: string): LogLine[] {
	return logs.events("metric").filter((line) => line.metric === name && line.chatId === chatId);
}

const total = (lines: LogLine[]) => lines.reduce((sum, line) => sum + Number(line.value), 0);

describe("metrics", () => {
	it("go to the METRICS Analytics Engine dataset, which wrangler.toml binds", () => {
		expect(typeof env.METRICS.writeDataPoint).toBe("function");
		expect(env.METRICS_LOG).toBe("only");
	});

	it("share one layout: the chat id as the index, the name and detail as blobs, count and size as doubles", () => {
		expect(
			dataPointOf({ metric: "refusal", chatId: "AbCdEf0123456789", detail: "bad_request", value: 1 }),
		).toEqual({
			indexes: ["AbCdEf0123456789"],
			blobs: ["refusal", "bad_request"],
			doubles: [1, 0],
		});
		expect(dataPointOf({ metric: "room_size", chatId: undefined, size: 7 })).toEqual({
			indexes: [""],
			blobs: ["room_size", ""],
			doubles: [1, 7],
		});
	});

	it("count joins, each message stored once, and its deliveries to every socket on every object", async () => {
		const chat = await createChat();
		const alice = await TestSocket.open(chat.id, (await joinToken(chat, "alice")).token);
		const bob = await TestSocket.open(chat.id, (await joinToken(chat, "bob")).token);
		alice.send({ type: "send", text: "one", clientId: "m1" });
		alice.send({ type: "send", text: "one", clientId: "m1" });
		await bob.next("message");
		await alice.until(() => alice.messages.length === 2, "the echo and the retry's answer");
		// The retry is answered to its sender alone: it is neither stored nor delivered again.
		await logs.until(() => total(metrics("delivery", chat.id)) >= 2, "two deliveries");

		expect(metrics("join", chat.id)).toHaveLength(2);
		expect(metrics("message_stored", chat.id)).toEqual([
			expect.objectContaining({ detail: "stored", value: 1 }),
		]);
		expect(total(metrics("delivery", chat.id))).toBe(2);
		expect(Math.max(...metrics("room_size", chat.id).map((line) => Number(line.size)))).toBe(2);
		await logs.closeAll([alice, bob]);
	});

	it("count refusals by code, on sockets and over HTTP, and rate-limited sends", async () => {
		const chat = await createChat();
		const token = (await joinToken(chat, "alice")).token;
		const socket = await TestSocket.open(chat.id, token);
		socket.send("not json");
		await socket.next("error");
		await postJson(`/api/chats/${chat.id}/messages`, { text: "hi" }, bearer("forged"));
		for (let index = 0; index <= Number(env.RATE_LIMIT_MESSAGES); index++) {
			socket.send({ type: "send", text: `burst ${index}`, clientId: `b${index}` });
		}
		await socket.until(() => socket.of("error").some((frame) => frame.code === "rate_limited"), "a refusal");

		const refusals = metrics("refusal", chat.id).map((line) => line.detail);
		expect(refusals).toContain("bad_request");
		expect(refusals).toContain("unauthorized");
		expect(refusals).toContain("rate_limited");
		expect(metrics("rate_limited", chat.id).length).toBeGreaterThanOrEqual(1);
		await logs.closeAll([socket]);
	});

	it("count wake-ups and capped replays with the size of the gap left to page", async () => {
		const chat = await createChat();
		// Seeding evicts the room: the socket below wakes it.
		await seedMessages(chat.id, limits.replayMax + 5);
		const socket = await TestSocket.open(chat.id, (await joinToken(chat, "alice")).token, 0);

		expect(metrics("wake", chat.id)).toContainEqual(expect.objectContaining({ detail: "root" }));
		expect(metrics("replay_gap", chat.id)).toContainEqual(
			expect.objectContaining({ detail: "replay", size: 5 }),
		);
		await logs.closeAll([socket]);
	});
});
