import { describe, expect, it } from "vitest";
import { backoffDelay, defaultBackoff } from "../../web/client/backoff.ts";
import { Outbox } from "../../web/client/outbox.ts";
import { ReplyQuotes } from "../../web/client/reply-quotes.ts";
import { SeqTracker } from "../../web/client/seq-tracker.ts";
import { continuesGroup, dayLabel, groupWindowMs } from "../../web/pages/room/grouping.ts";
import { matchedRanges } from "../../web/pages/room/search-highlight.ts";

describe("backoff", () => {
	it("stays within half and all of an exponential ceiling, never above the cap", () => {
		for (let attempt = 0; attempt < 30; attempt++) {
			const ceiling = Math.min(defaultBackoff.maxMs, defaultBackoff.baseMs * 2 ** attempt);
			for (const random of [0, 0.25, 0.5, 0.999, 1]) {
				const delay = backoffDelay(attempt, () => random);
				expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
				expect(delay).toBeLessThanOrEqual(ceiling);
				expect(delay).toBeLessThanOrEqual(defaultBackoff.maxMs);
			}
		}
	});

	it("grows with each attempt until the cap, then spreads clients over the upper half", () => {
		expect(backoffDelay(0, () => 1)).toBe(500);
		expect(backoffDelay(1, () => 1)).toBe(1000);
		expect(backoffDelay(4, () => 1)).toBe(8000);
		expect(backoffDelay(5, () => 1)).toBe(10_000);
		expect(backoffDelay(50, () => 0)).toBe(5000);
		const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(10)));
		expect(spread.size).toBeGreaterThan(10);
	});
});

describe("seq tracker", () => {
	it("accepts each seq once, whatever order they come in", () => {
		const seqs = new SeqTracker();
		expect([3, 1, 2, 3, 1, 4].map((seq) => seqs.accept(seq))).toEqual([true, true, true, false, false, true]);
		expect(seqs.highest).toBe(4);
	});

	it("still refuses a repeat of a recent seq after many messages", () => {
		const seqs = new SeqTracker();
		for (let seq = 1; seq <= 30_000; seq++) seqs.accept(seq);
		expect(seqs.accept(29_999)).toBe(false);
		expect(seqs.accept(30_001)).toBe(true);
	});
});

describe("outbox", () => {
	it("keeps a send until its clientId is acknowledged, and re-sends it only after the ack timeout", () => {
		const outbox = new Outbox();
		outbox.add("a", "first", 0);
		outbox.add("b", "second", 0);
		expect(outbox.due(0, 5000).map((entry) => entry.clientId)).toEqual(["a", "b"]);
		outbox.markSent("a", 0);
		outbox.markSent("b", 0);
		expect(outbox.due(4999, 5000)).toEqual([]);
		expect(outbox.acknowledge("a")?.text).toBe("first");
		expect(outbox.acknowledge("a")).toBeUndefined();
		expect(outbox.due(5000, 5000).map((entry) => entry.clientId)).toEqual(["b"]);
	});

	it("puts everything back in line when the socket is lost", () => {
		const outbox = new Outbox();
		outbox.add("a", "first", 0);
		outbox.markSent("a", 100);
		expect(outbox.due(200, 5000)).toEqual([]);
		outbox.socketLost();
		expect(outbox.due(200, 5000).map((entry) => entry.clientId)).toEqual(["a"]);
	});

	it("keeps what a send carries besides its text (replyTo, mentions, attachments) until it is acknowledged", () => {
		const outbox = new Outbox();
		outbox.add("a", "yes", 0, { replyTo: 7, mentions: ["u1"], attachments: [] });
		outbox.add("b", "plain", 0);
		expect(outbox.list()).toEqual([
			{ clientId: "a", text: "yes", createdAt: 0, replyTo: 7, mentions: ["u1"] },
			{ clientId: "b", text: "plain", createdAt: 0 },
		]);
		outbox.socketLost();
		expect(outbox.due(0, 5000)[0]).toMatchObject({ clientId: "a", replyTo: 7 });
		expect(outbox.acknowledge("a")).toEqual({
			clientId: "a",
			text: "yes",
			createdAt: 0,
			replyTo: 7,
			mentions: ["u1"],
		});
	});

	it("holds a rate-limited send back for the delay", () => {
		const outbox = new Outbox();
		outbox.add("a", "first", 0);
		outbox.markSent("a", 0);
		outbox.defer("a", 10, 2500);
		expect(outbox.due(2000, 5000)).toEqual([]);
		expect(outbox.due(2510, 5000).map((entry) => entry.clientId)).toEqual(["a"]);
		expect(outbox.drop("a")).toBe(true);
		expect(outbox.size).toBe(0);
	});
});

describe("message grouping", () => {
	const noon = new Date(2026, 5, 15, 12, 0).getTime();

	it("continues a group for the same author within the window, on the same day", () => {
		const first = { userId: "u1", ts: noon };
		expect(continuesGroup(first, { userId: "u1", ts: noon + 60_000 })).toBe(true);
		expect(continuesGroup(first, { userId: "u2", ts: noon + 60_000 })).toBe(false);
		expect(continuesGroup(first, { userId: "u1", ts: noon + groupWindowMs })).toBe(false);
		expect(continuesGroup(null, first)).toBe(false);
		const beforeMidnight = new Date(2026, 5, 15, 23, 59).getTime();
		expect(
			continuesGroup({ userId: "u1", ts: beforeMidnight }, { userId: "u1", ts: beforeMidnight + 120_000 }),
		).toBe(false);
	});

	it("names days Today, Yesterday, or by their date", () => {
		expect(dayLabel(noon - 3600_000, noon)).toBe("Today");
		expect(dayLabel(noon - 24 * 3600_000, noon)).toBe("Yesterday");
		const older = noon - 3 * 24 * 3600_000;
		expect(dayLabel(older, noon)).toBe(
			new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }).format(older),
		);
	});
});

describe("reply quotes", () => {
	const ada = { id: "ada", name: "Ada" };
	const message = (seq: number, replyTo?: number) => ({
		seq,
		id: `m${seq}`,
		user: ada,
		text: `text ${seq}`,
		ts: 0,
		...(replyTo !== undefined && { replyTo: { seq: replyTo, user: ada, text: `text ${replyTo}` } }),
	});

	it("turns the quotes of the replies to a deleted message into deleted ones, once", () => {
		const quotes = new ReplyQuotes();
		for (const seen of [message(1), message(2, 1), message(3, 1), message(4, 2)]) quotes.see(seen);
		const deleted = { seq: 1, user: ada, deleted: true };
		expect(quotes.deleted(1)).toEqual([
			{ seq: 2, replyTo: deleted },
			{ seq: 3, replyTo: deleted },
		]);
		expect(quotes.deleted(1)).toEqual([]);
		// A deleted reply has no quote to change.
		expect(quotes.deleted(4)).toEqual([]);
		quotes.see({ ...message(5, 3), deleted: true });
		expect(quotes.deleted(3)).toEqual([]);
	});
});

describe("search highlighting", () => {
	const words = (text: string, query: string) =>
		matchedRanges(text, query).map(([start, end]) => text.slice(start, end));

	it("marks the words the server matches: any case or accent, the last word also as a prefix", () => {
		expect(words("Café au lait, CAFE noir", "cafe")).toEqual(["Café", "CAFE"]);
		expect(words("crème brûlée and creme", "CREME")).toEqual(["crème", "creme"]);
		expect(words("hello help helium, he said", "hel")).toEqual(["hello", "help", "helium"]);
		// Every word but the last must be there whole.
		expect(words("the cat catches the cats", "cat the")).toEqual(["the", "cat", "the"]);
		expect(words("cats or dogs", "cat dogs")).toEqual(["dogs"]);
	});

	it("reads the box as text: quotes, stars and operators are no words of their own", () => {
		expect(words('say "hi" or (bye)', '"hi" OR')).toEqual(["hi", "or"]);
		expect(words("a - b", "-")).toEqual([]);
		expect(words("don't stop", "don't")).toEqual(["don", "t"]);
	});
});
