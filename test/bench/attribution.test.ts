import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { attributeToObjects, moduleStarts } from "../../bench/lib/attribution.ts";
import { constructorLine, methodLine } from "../../bench/lib/constructions.ts";
import type { Profile } from "../../bench/lib/inspector.ts";
import { phaseFor } from "../../bench/scenarios/tree-scale.ts";
import { sizedFor } from "../../bench/servers/servers.ts";

/** A bundle shaped as esbuild writes one: module markers, classes as `var Name = class extends`. */
const bundle = [
	"var __defProp = Object.defineProperty;", // 0
	"// node_modules/zod/v4/core/core.js", // 1
	"function parse() {}", // 2
	"// worker/shard/socket-hub.ts", // 3
	"function broadcast() {}", // 4
	"// worker/room/fanout.ts", // 5
	"function flush() {}", // 6
	"// worker/room/chat-room.ts", // 7
	"var ChatRoom = class extends DurableObject2 {", // 8
	"  constructor(ctx, env) {", // 9
	"    super(ctx, env);", // 10
	"    this.settings = readSettings(env);", // 11
	"  }", // 12
	"};", // 13
	"// ../../worker/shard/chat-shard.ts", // 14
	"var ChatShard = class extends DurableObject3 {", // 15
	"  constructor(ctx, env) {", // 16
	"    super(ctx, env);", // 17
	"    this.hub = null;", // 18
	"  }", // 19
	"  async deliver(batch) {", // 20
	"    this.hub.sockets();", // 21
	"  }", // 22
	"};", // 23
].join("\n");

const dir = mkdtempSync(join(tmpdir(), "bench-attribution-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bundlePath = join(dir, "index.js");
writeFileSync(bundlePath, bundle);
const lines = bundle.split("\n");

function frame(id: number, functionName: string, line: number, children: number[] = [], url = "index.js") {
	return { id, callFrame: { functionName, url: line < 0 ? "" : url, lineNumber: line }, children };
}

describe("CPU profile attribution", () => {
	it("finds where each module of the bundle starts", () => {
		expect(moduleStarts(bundle).map((start) => start.module)).toEqual([
			"node_modules/zod/v4/core/core.js",
			"worker/shard/socket-hub.ts",
			"worker/room/fanout.ts",
			"worker/room/chat-room.ts",
			"worker/shard/chat-shard.ts",
		]);
	});

	it("gives each sample to the object whose code is outermost on its stack", () => {
		const profile: Profile = {
			nodes: [
				frame(1, "(root)", -1, [2, 3, 4, 7, 8, 9, 10]),
				// A shard's deliver, down into the shared socket hub and a native send.
				frame(2, "deliver", 21, [5]),
				frame(5, "broadcast", 4, [6]),
				frame(6, "send", -1),
				// The root's flush on its own.
				frame(3, "flush", 6),
				// Shared code resumed with no owner on its stack.
				frame(4, "broadcast", 4),
				frame(7, "(program)", -1),
				frame(8, "(garbage collector)", -1),
				frame(9, "(idle)", -1),
				// A library outermost.
				frame(10, "parse", 2),
			],
			samples: [6, 6, 3, 4, 7, 8, 9, 9, 10],
			timeDeltas: [0, 100, 100, 100, 100, 100, 100, 100, 100],
		};
		const { top, ...counts } = attributeToObjects(profile, bundlePath);
		expect(top?.shard).toEqual([{ name: "send (native)", samples: 2 }]);
		expect(top?.root).toEqual([{ name: "flush worker/room/fanout.ts", samples: 1 }]);
		expect(counts).toEqual({
			root: 1,
			shard: 2,
			worker: 0,
			shared: 1,
			otherJs: 1,
			native: 1,
			garbageCollector: 1,
			idle: 2,
			samples: 9,
			medianIntervalMicros: 100,
		});
	});

	it("ignores frames of other scripts", () => {
		const profile: Profile = {
			nodes: [frame(1, "(root)", -1, [2]), frame(2, "flush", 6, [], "other.js")],
			samples: [2],
		};
		expect(attributeToObjects(profile, bundlePath).native).toBe(1);
	});
});

describe("logpoint lines", () => {
	it("finds the first statement after super() in a constructor, and the body of a method", () => {
		expect(constructorLine(lines, "ChatShard")).toBe(18);
		expect(constructorLine(lines, "ChatRoom")).toBe(11);
		expect(methodLine(lines, "ChatShard", "deliver")).toBe(21);
	});

	it("says which class or method it could not find", () => {
		expect(() => constructorLine(lines, "ChatDirectory")).toThrow(/ChatDirectory not found/);
		expect(() => methodLine(lines, "ChatRoom", "deliver")).toThrow(/no method deliver/);
	});
});

describe("spread and tree plans", () => {
	it("turns spreadOver into a capacity once the room's size is known", () => {
		const spec = sizedFor({ kind: "edgechat", transport: "direct", spreadOver: 16 }, 9679);
		expect(spec.vars).toEqual({ ROOM_SHARD_CAPACITY: "605" });
		expect(Math.ceil(9679 / 605)).toBe(16);
		expect(spec.suffix).toBe("spread, 605 sockets per object");
		expect(() => sizedFor({ kind: "edgechat", transport: "direct", spreadOver: 16 }, "ceiling")).toThrow();
	});

	it("slows a large tree's phase to the plan's shard calls per second, keeping its message count", () => {
		const plan = {
			id: "tree",
			title: "",
			server: { kind: "edgechat", transport: "direct" } as const,
			children: [1, 256],
			phase: { name: "paced", senders: 1, rate: 10, durationMs: 10_000, maxInFlightPerSender: 1, drainMs: 1 },
			maxBatchesPerSecond: 512,
			deadlineMs: 1,
			profileIntervalMicros: 100,
		};
		expect(phaseFor(plan, 1)).toMatchObject({ rate: 10, durationMs: 10_000 });
		expect(phaseFor(plan, 256)).toMatchObject({ rate: 2, durationMs: 50_000 });
	});
});
