import { DurableObject } from "cloudflare:workers";
import type { HistoryPage } from "../../worker/protocol";
import { MessageLog, type NewMessage } from "../../worker/sequencer/message-log";
import { indexEvery, SearchIndex } from "../../worker/sequencer/search-index";
import { chatText, word } from "./chat-text";
import { clockStep } from "./clock";

/** One kind of search a person makes, with what its first page must hold to count as right. */
interface SearchKind {
	name: string;
	text: string;
	before?: number;
	/** Posts made (untimed) before each search, which the search then indexes first, as a room does. */
	afterPosts?: number;
	/** At least this many messages on the first page (limit + hasMore for "a full page"). */
	atLeast: number;
	atMost: number;
}

export interface KindTimings {
	name: string;
	text: string;
	/** Each search timed alone, as the runtime's clock tells it. */
	perCallMs: number[];
	/** Messages on the first page, and whether more were found. */
	found: number;
	hasMore: boolean;
	expected: string;
}

export interface PostTimings {
	/** Each block: `block` posts, each its own transaction, committed before the next. */
	floorBlocksMs: number[];
	indexedBlocksMs: number[];
	block: number;
}

const limit = 20;

/**
 * A room's log and its search index, nothing else: edgechat's MessageLog and SearchIndex on the
 * object's own SQLite database. The log is seeded straight in large transactions, as an old chat
 * that never had an index; the index is then built the way a room builds it on its first search.
 */
export class SearchRoom extends DurableObject<Record<string, never>> {
	private readonly log: MessageLog;
	private readonly index: SearchIndex;

	constructor(ctx: DurableObjectState, env: Record<string, never>) {
		super(ctx, env);
		this.log = new MessageLog(ctx.storage.sql);
		this.log.createSchema();
		this.index = new SearchIndex(ctx.storage.sql);
	}

	seed(from: number, count: number): number {
		this.ctx.storage.transactionSync(() => {
			for (let seq = from; seq < from + count; seq++) this.log.append(messageOf(seq));
		});
		return this.log.lastSeq();
	}

	count(): number {
		return this.log.count();
	}

	/** Up to `steps` catch-up steps of `rows` seqs each; whether the whole log is indexed. */
	build(rows: number, steps: number): { ready: boolean } {
		this.index.createSchema();
		let ready = false;
		for (let step = 0; step < steps && !ready; step++) {
			ready = this.ctx.storage.transactionSync(() => this.index.catchUp(rows));
		}
		return { ready };
	}

	/** How many kinds of search `timeSearches` knows, and the runtime's clock step. */
	searchKindCount(): { kinds: number; clockStepMs: number } {
		return { kinds: searchKinds(this.log.lastSeq()).length, clockStepMs: clockStep() };
	}

	/**
	 * One kind of search (`kind`, an index into the list) up to `samples` times, each timed alone;
	 * fewer if they take longer than `budgetMs` in all (a slow kind must not hold the run up).
	 */
	timeSearches(kind: number, samples: number, budgetMs: number): KindTimings {
		const search = searchKinds(this.log.lastSeq())[kind];
		if (!search) throw new Error(`no search kind ${kind}`);
		const first = this.search(search);
		const timings: KindTimings = {
			name: search.name,
			text: search.text,
			perCallMs: [],
			found: first.messages.length,
			hasMore: first.hasMore,
			expected: `${search.atLeast}..${search.atMost}`,
		};
		const began = performance.now();
		for (let i = 0; i < samples && performance.now() - began < budgetMs; i++) {
			for (let post = 0; post < (search.afterPosts ?? 0); post++) this.post(this.log.lastSeq() + 1);
			const start = performance.now();
			this.search(search);
			timings.perCallMs.push(performance.now() - start);
		}
		return timings;
	}

	/**
	 * What a post costs the room's storage with the index and without it: blocks of posts (the
	 * log's insert alone, then with the index's share too), alternating, `rounds` of each, each
	 * post its own transaction, committed before the next. A block is whole batches of
	 * `indexEvery`, so an indexed block pays for indexing exactly its own posts; what the floor's
	 * posts left unindexed is indexed, untimed, before the next indexed block.
	 */
	async timePosts(rounds: number, block: number): Promise<PostTimings> {
		const posts = Math.max(1, Math.round(block / indexEvery)) * indexEvery;
		const timings: PostTimings = { floorBlocksMs: [], indexedBlocksMs: [], block: posts };
		for (let round = 0; round < rounds; round++) {
			const order = round % 2 === 0 ? [false, true] : [true, false];
			for (const indexed of order) {
				if (indexed) this.catchUpAll();
				const began = performance.now();
				for (let i = 0; i < posts; i++) {
					const seq = this.log.lastSeq() + 1;
					this.ctx.storage.transactionSync(() =>
						indexed ? this.post(seq) : this.log.append(messageOf(seq)),
					);
					await this.ctx.storage.sync();
				}
				(indexed ? timings.indexedBlocksMs : timings.floorBlocksMs).push(performance.now() - began);
			}
		}
		return timings;
	}

	/** A post's storage work as the room's sequencer does it: the log's insert, then the index's share. */
	private post(seq: number): void {
		this.log.append(messageOf(seq));
		this.index.posted(seq);
	}

	private catchUpAll(): void {
		while (!this.ctx.storage.transactionSync(() => this.index.catchUp(10_000))) {}
	}

	/** As the room searches: whatever waits is indexed first. */
	private search(kind: SearchKind): HistoryPage {
		this.catchUpAll();
		return this.index.search({
			text: kind.text,
			limit,
			...(kind.before !== undefined && { before: kind.before }),
		});
	}
}

function messageOf(seq: number): NewMessage {
	const author = seq % 97;
	return {
		seq,
		id: `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`,
		user: { id: `u${String(author).padStart(15, "0")}`, name: `person ${author}` },
		text: chatText(seq),
		ts: Date.UTC(2026, 0, 1) + seq * 1000,
		clientId: `c${seq}`,
	};
}

/** What people type into a search box, from the commonest word to text that looks like a query language. */
function searchKinds(newest: number): SearchKind[] {
	const full = limit + 1;
	const middle = Math.floor(newest / 2);
	return [
		{ name: "the commonest word", text: word(0), atLeast: full, atMost: full },
		{ name: "a word of rank 100", text: word(100), atLeast: full, atMost: full },
		{ name: "a rare word (rank 7,000)", text: word(7000), atLeast: 1, atMost: full },
		{ name: "two common words", text: `${word(0)} ${word(1)}`, atLeast: full, atMost: full },
		{ name: "a rare and a common word", text: `${word(7000)} ${word(0)}`, atLeast: 0, atMost: full },
		{
			name: "a prefix of 4 letters, the commonest word's",
			text: word(0).slice(0, 4),
			atLeast: full,
			atMost: full,
		},
		{ name: "a prefix of 3 letters", text: word(3).slice(0, 3), atLeast: full, atMost: full },
		{ name: "a prefix of 2 letters", text: word(7).slice(0, 2), atLeast: full, atMost: full },
		{ name: "a prefix of 1 letter", text: word(5).slice(0, 1), atLeast: full, atMost: full },
		{ name: "an accent-free spelling (cafe)", text: "cafe", atLeast: full, atMost: full },
		{ name: "one message by its number", text: `#${middle}`, atLeast: 1, atMost: 1 },
		{ name: "a word found nowhere", text: "qqqxv", atLeast: 0, atMost: 0 },
		{
			name: "query-language characters",
			text: `"OR" NEAR(${word(0)} -${word(1)}* :)`,
			atLeast: 0,
			atMost: full,
		},
		{ name: "the commonest word, half-way down", text: word(0), before: middle, atLeast: full, atMost: full },
		{
			name: "a common word, just after 50 posts",
			text: word(2),
			afterPosts: 50,
			atLeast: full,
			atMost: full,
		},
	];
}
