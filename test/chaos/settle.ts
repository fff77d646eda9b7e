import type { ChatMessage, HistoryPage } from "../../worker/protocol/index.ts";
import type { ChaosMember } from "./member.ts";

/**
 * The whole stored log, oldest first, paged forward through `after` 200 at a time, as any client
 * would (bounded: `maxPages`). `page` gets the query string, without its `?`.
 */
export async function wholeHistory<Message extends { seq: number }>(
	page: (query: string) => Promise<{ messages: Message[]; hasMore: boolean }>,
	maxPages = 1000,
): Promise<Message[]> {
	const messages: Message[] = [];
	for (let pages = 0; pages < maxPages; pages++) {
		const after = messages.at(-1)?.seq ?? 0;
		const next = await page(`after=${after}&limit=200`);
		if (next.hasMore && next.messages.length === 0)
			throw new Error(`history: an empty page after ${after} says there is more`);
		messages.push(...next.messages);
		if (!next.hasMore) return messages;
	}
	throw new Error(`the history did not end within ${maxPages} pages`);
}

/** Polls `check` every 25 ms; false if it still does not hold after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) return false;
		await new Promise((done) => setTimeout(done, 25));
	}
	return true;
}

/** Every member without a socket tries again at once. */
export function reconnectAll(members: ChaosMember[]): void {
	for (const member of members) if (!member.online) void member.reconnect().catch(() => {});
}

export interface Settled {
	/** The whole stored log, oldest first. */
	history: ChatMessage[];
	/** Seq of its newest message. */
	stored: number;
	/** False when a member was still away, or had a message unacknowledged, after `ackMs`. */
	settled: boolean;
}

/**
 * After the storm: members come back (`rejoin`, called as it polls) until every one is online
 * with all it sent acknowledged; then the stored log is read whole, each member is given
 * `seenMs` to be handed all of it, and every member stops.
 */
export async function settle(
	members: ChaosMember[],
	page: (query: string) => Promise<HistoryPage>,
	rejoin: () => void,
	timeouts: { ackMs: number; seenMs: number },
): Promise<Settled> {
	const settled = await until(() => {
		rejoin();
		return members.every((member) => member.online && member.unacknowledged === 0);
	}, timeouts.ackMs);
	const history = await wholeHistory(page);
	const stored = history.at(-1)?.seq ?? 0;
	await until(() => {
		rejoin();
		return members.every((member) => member.highestSeq >= stored);
	}, timeouts.seenMs);
	for (const member of members) member.stop();
	return { history, stored, settled };
}
