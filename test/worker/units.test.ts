import { describe, expect, it } from "vitest";
import { readSettings } from "../../worker/config";
import { characterCount, limits, type PresenceFrame } from "../../worker/protocol";
import { Presence } from "../../worker/room/presence";
import { takeToken } from "../../worker/sequencer/rate-limiter";
import { parseClientFrame } from "../../worker/sockets/client-frames";
import { readyJson } from "../../worker/sockets/ready-json";
import { sleep } from "./helpers";

describe("takeToken", () => {
	const limit = { capacity: 3, windowMs: 3000 };

	it("allows a full bucket's worth at once, then refuses with the time until the next token", () => {
		let bucket: ReturnType<typeof takeToken>["bucket"] | undefined;
		for (let index = 0; index < 3; index++) {
			const result = takeToken(bucket, limit, 1000);
			expect(result.allowed).toBe(true);
			bucket = result.bucket;
		}
		const refused = takeToken(bucket, limit, 1000);
		expect(refused).toMatchObject({ allowed: false, retryAfterMs: 1000 });
	});

	it("refills evenly over the window, never beyond capacity", () => {
		const empty = { tokens: 0, updatedAt: 0 };
		expect(takeToken(empty, limit, 999).allowed).toBe(false);
		expect(takeToken(empty, limit, 1000).allowed).toBe(true);
		expect(takeToken(empty, limit, 1_000_000).bucket.tokens).toBe(2);
	});
});

describe("parseClientFrame", () => {
	it("accepts the three client frames", () => {
		expect(parseClientFrame('{"type":"send","text":" hi ","clientId":"a-1"}')).toEqual({
			ok: true,
			frame: { type: "send", text: "hi", clientId: "a-1" },
		});
		expect(parseClientFrame('{"type":"typing"}')).toEqual({ ok: true, frame: { type: "typing" } });
		expect(parseClientFrame('{"type":"delete","seq":3}')).toEqual({
			ok: true,
			frame: { type: "delete", seq: 3 },
		});
	});

	it("measures the frame limit in UTF-8 bytes", () => {
		const text = "é".repeat(limits.frameBytesMax / 2);
		const result = parseClientFrame(JSON.stringify({ type: "send", text }));
		expect(result).toMatchObject({ ok: false, error: { code: "too_large" } });
	});

	it("refuses a delete of a non-positive seq", () => {
		expect(parseClientFrame('{"type":"delete","seq":0}')).toMatchObject({
			ok: false,
			error: { code: "bad_request" },
		});
	});
});

describe("Presence", () => {
	it("publishes the net change of a window once, leaving out whoever came and went within it", async () => {
		const frames: PresenceFrame[] = [];
		const presence = new Presence(20, (frame) => frames.push(frame));
		presence.join({ id: "a", name: "A" });
		presence.join({ id: "b", name: "B" });
		presence.leave({ id: "b", name: "B" });
		await sleep(60);
		expect(frames).toEqual([{ type: "presence", joined: [{ id: "a", name: "A" }], left: [], online: 1 }]);
	});

	it("publishes nothing for a window with no net change", async () => {
		const frames: PresenceFrame[] = [];
		const presence = new Presence(20, (frame) => frames.push(frame));
		presence.restore({ id: "a", name: "A" });
		presence.leave({ id: "a", name: "A" });
		presence.join({ id: "a", name: "A" });
		await sleep(60);
		expect(frames).toEqual([]);
		expect(presence.count).toBe(1);
	});

	it("names every change of a room that fits the online list, up to presenceListMax", async () => {
		const frames: PresenceFrame[] = [];
		const presence = new Presence(20, (frame) => frames.push(frame));
		const room = limits.onlineListMax;
		for (let index = 0; index < room; index++) presence.join({ id: `u${index}`, name: `user ${index}` });
		await sleep(60);
		for (let index = 0; index < room - 10; index++)
			presence.leave({ id: `u${index}`, name: `user ${index}` });
		await sleep(60);

		const [joins, leaves] = frames;
		expect(frames).toHaveLength(2);
		expect(new Set(joins?.joined.map((user) => user.id)).size).toBe(Math.min(room, limits.presenceListMax));
		expect(joins).toMatchObject({ left: [], online: room });
		expect(leaves?.left).toHaveLength(room - 10);
		expect(leaves).toMatchObject({ joined: [], online: 10 });
		expect(frames.some((frame) => frame.unlisted)).toBe(false);
	});

	it("names a sample of presenceSampleMax once the room outgrows the online list, and counts the rest", async () => {
		const frames: PresenceFrame[] = [];
		const presence = new Presence(20, (frame) => frames.push(frame));
		const storm = limits.onlineListMax + 150;
		for (let index = 0; index < storm; index++) presence.join({ id: `u${index}`, name: `user ${index}` });
		await sleep(60);
		const leaving = 40;
		for (let index = 0; index < leaving; index++) presence.leave({ id: `u${index}`, name: `user ${index}` });
		await sleep(60);

		const [joins, leaves] = frames;
		expect(frames).toHaveLength(2);
		expect(new Set(joins?.joined.map((user) => user.id)).size).toBe(limits.presenceSampleMax);
		expect(joins).toMatchObject({
			left: [],
			online: storm,
			unlisted: { joined: storm - limits.presenceSampleMax, left: 0 },
		});
		expect(leaves?.left).toHaveLength(limits.presenceSampleMax);
		expect(leaves).toMatchObject({
			joined: [],
			online: storm - leaving,
			unlisted: { joined: 0, left: leaving - limits.presenceSampleMax },
		});
	});

	it("adds no unlisted field while every change fits in the frame", async () => {
		const frames: PresenceFrame[] = [];
		const presence = new Presence(20, (frame) => frames.push(frame));
		for (let index = 0; index < limits.presenceListMax; index++)
			presence.join({ id: `u${index}`, name: "x" });
		await sleep(60);
		expect(frames).toHaveLength(1);
		expect(frames[0]?.joined).toHaveLength(limits.presenceListMax);
		expect(frames[0]).not.toHaveProperty("unlisted");
	});
});

describe("Presence window", () => {
	it("widens by one base window per 500 users online, up to eight", () => {
		const presence = new Presence(250, () => {});
		expect(presence.windowMs).toBe(250);
		for (let index = 0; index < 1200; index++) presence.restore({ id: `u${index}`, name: "x" });
		expect(presence.windowMs).toBe(750);
		for (let index = 1200; index < 20_000; index++) presence.restore({ id: `u${index}`, name: "x" });
		expect(presence.windowMs).toBe(2000);
	});
});

describe("readSettings", () => {
	it("falls back to the documented defaults for missing or nonsensical values", () => {
		expect(readSettings({ RATE_LIMIT_MESSAGES: "abc", PRESENCE_WINDOW_MS: "-5" })).toMatchObject({
			rateLimitMessages: 20,
			rateLimitWindowMs: 10_000,
			presenceWindowMs: 250,
			messageRetention: 100_000,
			tokenTtlMs: 3600_000,
			corsOrigins: [],
		});
		expect(readSettings({ CORS_ORIGINS: " https://a.example , https://b.example " }).corsOrigins).toEqual([
			"https://a.example",
			"https://b.example",
		]);
	});
});

describe("characterCount", () => {
	it("counts code points, not UTF-16 units", () => {
		expect(characterCount("a😀b")).toBe(3);
	});
});

describe("readyJson", () => {
	it("sends what the online list would be, its users serialised once and kept current on a rename", () => {
		const presence = new Presence(20, () => {});
		const ada = { id: "u1", name: 'Ada "the first" Ł' };
		presence.join(ada);
		presence.join({ id: "u2", name: "Ben" });
		presence.join({ id: "u1", name: "Ada L." });
		const ready = {
			type: "ready" as const,
			user: { ...ada, role: "member" as const },
			chat: { id: "c1", name: "Ready", visibility: "public" as const, history: true },
			onlineCount: presence.count,
			lastSeq: 7,
			rev: 9,
		};
		const frame = JSON.parse(readyJson(ready, presence.listJson()));
		expect(frame).toEqual({ ...ready, online: presence.list(limits.onlineListMax) });
		expect(frame.online).toEqual([
			{ id: "u1", name: "Ada L." },
			{ id: "u2", name: "Ben" },
		]);
		expect(JSON.parse(readyJson(ready, ""))).toEqual({ ...ready, online: [] });
	});

	it("keeps the root's list while it stays the same, and builds it again after every change to it", () => {
		const presence = new Presence(20, () => {});
		const listed = () => JSON.parse(`[${presence.listJson()}]`);
		const expected = () => presence.list(limits.onlineListMax);
		const many = limits.onlineListMax + 5;
		for (let index = 0; index < many; index++) {
			presence.join({ id: `u${index}`, name: `user ${index}` });
			expect(listed()).toEqual(expected());
		}
		expect(listed()).toHaveLength(limits.onlineListMax);
		presence.leave({ id: "u3", name: "user 3" });
		expect(listed()).toEqual(expected());
		expect(listed().some((user: { id: string }) => user.id === "u3")).toBe(false);
		presence.rename({ id: "u7", name: "seven" });
		expect(listed()).toContainEqual({ id: "u7", name: "seven" });
		presence.join({ id: "late", name: "late" });
		presence.leave({ id: `u${many - 1}`, name: "last" });
		expect(listed()).toEqual(expected());
	});
});
