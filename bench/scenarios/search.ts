import { identify, type SearchKindRun, type SearchRun } from "../report/results.ts";
import { type Server, startServer } from "../servers/servers.ts";
import { heading, type RunContext } from "./context.ts";
import { fieldOf, getJson, measureBounded, numberOf, numbers, percentiles, seedLog } from "./in-room.ts";

export interface SearchPlan {
	id: string;
	title: string;
	messages: number;
	/** Messages appended per transaction (one request each) while seeding. */
	batch: number;
	/** Seqs indexed per build step (one transaction), and steps per request. */
	buildRows: number;
	buildSteps: number;
	/** Searches of each kind timed inside the room, or fewer if they take longer than `kindBudgetMs`. */
	samples: number;
	kindBudgetMs: number;
	/** Post cost: rounds of one block with the index and one without, `postBlock` posts each (rounded to the index's batches). */
	postRounds: number;
	postBlock: number;
	deadlineMs: number;
}

/** A call that times thousands of posts, or a kind of search for up to its budget, on a busy machine. */
const slowCallMs = 120_000;

/** The full run's search scenario, and the quick run's. */
export const searchPlans: { full: SearchPlan; quick: SearchPlan } = {
	full: {
		id: "search-1m",
		title:
			"Searches of a chat of 1,000,000 messages in the room, and what the index adds to a post's storage work",
		messages: 1_000_000,
		batch: 25_000,
		buildRows: 50_000,
		buildSteps: 2,
		samples: 100,
		kindBudgetMs: 10_000,
		postRounds: 10,
		postBlock: 192,
		deadlineMs: 15 * 60_000,
	},
	quick: {
		id: "search-20k",
		title: "Searches of a chat of 20,000 messages, and the index's share of a post",
		messages: 20_000,
		batch: 10_000,
		buildRows: 50_000,
		buildSteps: 2,
		samples: 10,
		kindBudgetMs: 2000,
		postRounds: 2,
		postBlock: 64,
		deadlineMs: 30_000,
	},
};

/**
 * A log of `messages` messages in a Durable Object's SQLite (bench/history-room, SearchRoom),
 * seeded straight into the log; then its index built as a room builds it on the first search; then
 * every kind of search timed inside the room, and the cost of posting with the index against
 * posting without it, alternating, in the same object and run.
 */
export async function runSearch(plan: SearchPlan, context: RunContext): Promise<SearchRun> {
	const server = await startServer({ kind: "history-room", transport: "direct" }, context.workspace);
	const title = heading(plan.id, server.label);
	const run: SearchRun = {
		...identify(plan.id, server),
		messages: 0,
		seedSeconds: 0,
		buildSeconds: 0,
		perCallMs: { p50: 0, p99: 0, max: 0 },
		clockStepMs: 0,
		kinds: [],
		post: { floorMicros: 0, indexedMicros: 0, ratio: 0, posts: 0 },
		errors: [],
	};
	await measureBounded(server, title, plan.deadlineMs, run.errors, measure);
	return run;

	async function measure(server: Server): Promise<void> {
		run.seedSeconds = await seedLog(server, "/search/seed", plan, (seeded) =>
			context.progress.update(`${title} · seeding ${seeded}/${plan.messages}`),
		);
		run.messages = numberOf(await getJson(server, "/search/count"), "count");

		const buildStart = performance.now();
		for (let ready = false; !ready; ) {
			const step = await getJson(server, `/search/build?rows=${plan.buildRows}&steps=${plan.buildSteps}`);
			ready = fieldOf(step, "ready") === true;
			context.progress.update(
				`${title} · building the index (${((performance.now() - buildStart) / 1000).toFixed(0)} s)`,
			);
		}
		run.buildSeconds = (performance.now() - buildStart) / 1000;
		context.progress.log(
			`${title}: ${run.messages} messages seeded in ${run.seedSeconds.toFixed(1)} s, indexed in ${run.buildSeconds.toFixed(1)} s`,
		);

		context.progress.update(`${title} · timing posts`);
		const posts = await getJson(
			server,
			`/search/posts?rounds=${plan.postRounds}&block=${plan.postBlock}`,
			slowCallMs,
		);
		const floor = numbers(fieldOf(posts, "floorBlocksMs"));
		const indexed = numbers(fieldOf(posts, "indexedBlocksMs"));
		const total = (blocks: number[]) => blocks.reduce((sum, ms) => sum + ms, 0);
		const count = plan.postRounds * numberOf(posts, "block");
		run.post = {
			floorMicros: (total(floor) * 1000) / count,
			indexedMicros: (total(indexed) * 1000) / count,
			ratio: total(indexed) / total(floor),
			posts: count * 2,
		};
		const known = await getJson(server, "/search/kinds");
		run.clockStepMs = numberOf(known, "clockStepMs");
		const every: number[] = [];
		for (let index = 0; index < numberOf(known, "kinds"); index++) {
			const kind = await getJson(
				server,
				`/search/time?kind=${index}&samples=${plan.samples}&budgetMs=${plan.kindBudgetMs}`,
				slowCallMs,
			);
			const perCall = numbers(fieldOf(kind, "perCallMs"));
			every.push(...perCall);
			const found = numberOf(kind, "found");
			const entry: SearchKindRun = {
				name: String(fieldOf(kind, "name")),
				text: String(fieldOf(kind, "text")),
				perCallMs: percentiles(perCall),
				samples: perCall.length,
				found,
				hasMore: fieldOf(kind, "hasMore") === true,
			};
			run.kinds.push(entry);
			context.progress.update(
				`${title} · ${entry.name}: p99 ${entry.perCallMs.p99} ms over ${perCall.length}`,
			);
			const [least, most] = String(fieldOf(kind, "expected")).split("..").map(Number);
			if (
				least === undefined ||
				most === undefined ||
				found + (entry.hasMore ? 1 : 0) < least ||
				found > most
			) {
				run.errors.push(
					`${entry.name} (${entry.text}): found ${found}${entry.hasMore ? " and more" : ""}, expected ${least}..${most}`,
				);
			}
		}
		run.perCallMs = percentiles(every);

		context.progress.log(
			`${title}: searches p50 ${run.perCallMs.p50} ms, p99 ${run.perCallMs.p99} ms, max ${run.perCallMs.max} ms ` +
				`(clock step ${run.clockStepMs} ms); a post ${run.post.indexedMicros.toFixed(0)} µs with the index, ` +
				`${run.post.floorMicros.toFixed(0)} µs without (${run.post.ratio.toFixed(2)}x)`,
		);
	}
}
