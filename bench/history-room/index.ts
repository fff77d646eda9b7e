import { DurableObject } from "cloudflare:workers";
import { MessageLog } from "../../worker/sequencer/message-log";

import { clockStep } from "./clock";
import { SearchRoom } from "./search-room";

export { SearchRoom };

interface HistoryEnv {
	HISTORY_ROOM: DurableObjectNamespace<HistoryRoom>;
	SEARCH_ROOM: DurableObjectNamespace<SearchRoom>;
}

export interface PageTimings {
	/** Time of each page read, as the runtime's clock tells it (see clockStepMs). */
	perCallMs: number[];
	/** Mean time of one read over a run of back-to-back reads, in microseconds. */
	meanMicros: number;
	/** Smallest step the runtime's clock was seen to take: the resolution of perCallMs. */
	clockStepMs: number;
	/** The first page read, to check that it holds what it should. */
	sample: { count: number; firstSeq: number | null; lastSeq: number | null; hasMore: boolean };
}

const textPadding =
	"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore";

/**
 * A room's log and nothing else: the real MessageLog on the object's own SQLite database. Seeding
 * goes straight to the log in large transactions (a million sends over the API would take hours);
 * reading is exactly what GET /messages does inside the room.
 */
export class HistoryRoom extends DurableObject<HistoryEnv> {
	private readonly log: MessageLog;

	constructor(ctx: DurableObjectState, env: HistoryEnv) {
		super(ctx, env);
		this.log = new MessageLog(ctx.storage.sql);
		this.log.createSchema();
	}

	/** Appends messages `from` .. `from + count - 1` in one transaction; returns the newest seq. */
	seed(from: number, count: number): number {
		const start = Date.UTC(2026, 0, 1);
		this.ctx.storage.transactionSync(() => {
			for (let seq = from; seq < from + count; seq++) {
				const author = seq % 97;
				this.log.append({
					seq,
					id: `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`,
					user: { id: `u${String(author).padStart(15, "0")}`, name: `person ${author}` },
					text: `${seq} ${textPadding}`.slice(0, 40 + (seq % 60)),
					ts: start + seq * 1000,
					clientId: `c${seq}`,
				});
			}
		});
		return this.log.lastSeq();
	}

	count(): number {
		return this.log.count();
	}

	/**
	 * Reads `samples` pages of `limit` messages below `before` (or below a random cursor across
	 * the log when `before` is 0), timing each, then times a run of `samples` more back to back.
	 */
	timePages(before: number, limit: number, samples: number): PageTimings {
		const newest = this.log.lastSeq();
		const cursor = () => (before > 0 ? before : limit + 1 + Math.floor(Math.random() * (newest - limit)));
		const first = this.log.page({ before: cursor(), limit });
		const perCallMs: number[] = [];
		for (let i = 0; i < samples; i++) {
			const position = cursor();
			const began = performance.now();
			this.log.page({ before: position, limit });
			perCallMs.push(performance.now() - began);
		}
		const began = performance.now();
		for (let i = 0; i < samples; i++) this.log.page({ before: cursor(), limit });
		const meanMicros = ((performance.now() - began) * 1000) / samples;
		return {
			perCallMs,
			meanMicros,
			clockStepMs: clockStep(),
			sample: {
				count: first.messages.length,
				firstSeq: first.messages[0]?.seq ?? null,
				lastSeq: first.messages.at(-1)?.seq ?? null,
				hasMore: first.hasMore,
			},
		};
	}

	/** One page, as the room's history endpoint returns it: timed end to end by the bench. */
	page(before: number, limit: number): number {
		return this.log.page({ before, limit }).messages.length;
	}
}

function intParam(url: URL, name: string, fallback: number): number {
	const value = Number(url.searchParams.get(name) ?? fallback);
	return Number.isSafeInteger(value) && value >= 0 ? value : fallback;
}

export default {
	async fetch(request: Request, env: HistoryEnv): Promise<Response> {
		const url = new URL(request.url);
		const room = env.HISTORY_ROOM.getByName("history");
		if (url.pathname.startsWith("/search/")) return searchRoute(url, env.SEARCH_ROOM.getByName("search"));
		switch (url.pathname) {
			case "/health":
				return new Response("ok");
			case "/seed":
				return Response.json({
					lastSeq: await room.seed(intParam(url, "from", 1), intParam(url, "count", 1000)),
				});
			case "/count":
				return Response.json({ count: await room.count() });
			case "/time":
				return Response.json(
					await room.timePages(
						intParam(url, "before", 0),
						intParam(url, "limit", 50),
						intParam(url, "samples", 1000),
					),
				);
			case "/page":
				return Response.json({
					count: await room.page(intParam(url, "before", 0), intParam(url, "limit", 50)),
				});
			default:
				return new Response("not found", { status: 404 });
		}
	},
} satisfies ExportedHandler<HistoryEnv>;

/** The search scenario's routes: seed the log, build the index, time searches and posts. */
async function searchRoute(url: URL, room: DurableObjectStub<SearchRoom>): Promise<Response> {
	const param = (name: string, fallback: number) => intParam(url, name, fallback);
	switch (url.pathname) {
		case "/search/seed":
			return Response.json({ lastSeq: await room.seed(param("from", 1), param("count", 1000)) });
		case "/search/count":
			return Response.json({ count: await room.count() });
		case "/search/build":
			return Response.json(await room.build(param("rows", 50_000), param("steps", 1)));
		case "/search/kinds":
			return Response.json(await room.searchKindCount());
		case "/search/time":
			return Response.json(
				await room.timeSearches(param("kind", 0), param("samples", 100), param("budgetMs", 10_000)),
			);
		case "/search/posts":
			return Response.json(await room.timePosts(param("rounds", 10), param("block", 100)));
		default:
			return new Response("not found", { status: 404 });
	}
}
