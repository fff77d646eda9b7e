import { build } from "hdr-histogram-js";
import { type HistoryRun, identify, type Percentiles } from "../report/results.ts";
import { type Server, startServer } from "../servers/servers.ts";
import { heading, type RunContext } from "./context.ts";
import { getJson, measureBounded, numberOf, seedLog } from "./in-room.ts";

export interface HistoryPlan {
	id: string;
	title: string;
	messages: number;
	/** Messages appended per transaction (one request each). */
	batch: number;
	/** The page read is the `limit` messages below this seq. */
	depth: number;
	limit: number;
	/** Page reads timed inside the room, per kind (at depth, random). */
	samples: number;
	/** Page reads timed end to end over HTTP. */
	requests: number;
	deadlineMs: number;
}

/**
 * A log of `messages` messages in the real MessageLog of a Durable Object (bench/history-room),
 * then the page of `limit` below `depth` read many times. The room's own clock times each read.
 */
export async function runHistory(plan: HistoryPlan, context: RunContext): Promise<HistoryRun> {
	const spec = { kind: "history-room", transport: "direct" } as const;
	const server = await startServer(spec, context.workspace);
	const title = heading(plan.id, server.label);
	const run: HistoryRun = {
		...identify(plan.id, server),
		messages: 0,
		seedSeconds: 0,
		limit: plan.limit,
		atDepth: { depth: plan.depth, perCallMs: zero(), meanMicros: 0, clockStepMs: 0 },
		random: { perCallMs: zero(), meanMicros: 0, clockStepMs: 0 },
		endToEndMs: { ...zero(), requests: 0 },
		check: { count: 0, firstSeq: null, lastSeq: null, hasMore: false },
		errors: [],
	};
	await measureBounded(server, title, plan.deadlineMs, run.errors, measure);
	return run;

	async function measure(server: Server): Promise<void> {
		run.seedSeconds = await seedLog(server, "/seed", plan, (seeded) =>
			context.progress.update(`${title} · seeding ${seeded}/${plan.messages}`),
		);
		const counted = numberOf(await getJson(server, "/count"), "count");
		run.messages = counted;
		context.progress.log(`${title}: ${counted} messages seeded in ${run.seedSeconds.toFixed(1)} s`);

		const atDepth = await getJson(
			server,
			`/time?before=${plan.depth}&limit=${plan.limit}&samples=${plan.samples}`,
		);
		run.atDepth = { depth: plan.depth, ...timings(atDepth) };
		run.check = readCheck(atDepth);
		const expectedFirst = plan.depth - plan.limit;
		if (
			run.check.count !== plan.limit ||
			run.check.firstSeq !== expectedFirst ||
			run.check.lastSeq !== plan.depth - 1
		) {
			run.errors.push(
				`page below ${plan.depth} held ${run.check.count} messages ${run.check.firstSeq}..${run.check.lastSeq}, expected ${plan.limit} messages ${expectedFirst}..${plan.depth - 1}`,
			);
		}
		run.random = timings(await getJson(server, `/time?before=0&limit=${plan.limit}&samples=${plan.samples}`));

		const latency = build({ numberOfSignificantValueDigits: 3 });
		for (let i = 0; i < plan.requests; i++) {
			const began = performance.now();
			await getJson(server, `/page?before=${plan.depth}&limit=${plan.limit}`);
			latency.recordValue(Math.max(1, Math.round((performance.now() - began) * 1000)));
			if (i % 50 === 0) context.progress.update(`${title} · HTTP reads ${i}/${plan.requests}`);
		}
		run.endToEndMs = {
			p50: latency.getValueAtPercentile(50) / 1000,
			p99: latency.getValueAtPercentile(99) / 1000,
			max: latency.maxValue / 1000,
			requests: plan.requests,
		};
		latency.destroy();
		context.progress.log(
			`${title}: page of ${plan.limit} below ${plan.depth}: in room p99 ≤ ${run.atDepth.perCallMs.p99} ms ` +
				`(clock step ${run.atDepth.clockStepMs} ms), mean ${run.atDepth.meanMicros.toFixed(0)} µs; ` +
				`over HTTP p50 ${run.endToEndMs.p50.toFixed(2)} ms, p99 ${run.endToEndMs.p99.toFixed(2)} ms`,
		);
	}
}

function zero(): Percentiles {
	return { p50: 0, p99: 0, max: 0 };
}

function timings(value: unknown): { perCallMs: Percentiles; meanMicros: number; clockStepMs: number } {
	const perCall: unknown =
		typeof value === "object" && value !== null ? Reflect.get(value, "perCallMs") : undefined;
	if (!Array.isArray(perCall) || perCall.length === 0) throw new Error("no per-call timings from the room");
	const sorted = perCall.filter((entry): entry is number => typeof entry === "number").sort((a, b) => a - b);
	const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0;
	return {
		perCallMs: { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 },
		meanMicros: numberOf(value, "meanMicros"),
		clockStepMs: numberOf(value, "clockStepMs"),
	};
}

function readCheck(value: unknown): HistoryRun["check"] {
	const sample: unknown =
		typeof value === "object" && value !== null ? Reflect.get(value, "sample") : undefined;
	const get = (name: string): unknown =>
		typeof sample === "object" && sample !== null ? Reflect.get(sample, name) : undefined;
	const count = get("count");
	const firstSeq = get("firstSeq");
	const lastSeq = get("lastSeq");
	return {
		count: typeof count === "number" ? count : 0,
		firstSeq: typeof firstSeq === "number" ? firstSeq : null,
		lastSeq: typeof lastSeq === "number" ? lastSeq : null,
		hasMore: get("hasMore") === true,
	};
}
