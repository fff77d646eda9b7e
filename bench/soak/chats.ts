import { wholeHistory } from "../../test/chaos/settle.ts";
import { HttpClient } from "../generator/http.ts";
import { field } from "../generator/room.ts";
import type { StoredMessage } from "./ledger.ts";
import { type SoakCounters, SoakMember } from "./member.ts";

/** A chat of the soak: its members now, and the ledgers of those who left for good. */
export interface SoakChat {
	id: string;
	/** For the chat's diagnostics (how many objects hold its sockets). */
	ownerKey: string;
	name: string;
	/** Sockets it is kept at (the spread chat spans several objects). */
	size: number;
	members: SoakMember[];
	departed: SoakMember[];
}

/** The soak's HTTP side: creating chats, issuing tokens, reading history pages. */
export class SoakApi {
	private readonly http = new HttpClient();
	historyReads = 0;
	historyErrors = 0;
	private readonly readMs: number[] = [];

	readonly origin: string;
	private readonly counters: SoakCounters;

	constructor(origin: string, counters: SoakCounters) {
		this.origin = origin;
		this.counters = counters;
	}

	async createChat(name: string, size: number): Promise<SoakChat> {
		const created = await this.http.postJson(`${this.origin}/api/chats`, { name, owner: "soak" }, 15_000);
		const id = field(created.body, "id");
		const ownerKey = field(created.body, "ownerKey");
		if (created.status !== 201 || id === null || ownerKey === null)
			throw new Error(`POST /api/chats: HTTP ${created.status}`);
		return { id, ownerKey, name, size, members: [], departed: [] };
	}

	/** How many objects hold the chat's sockets now (the root and its shards), from its diagnostics. */
	async objects(chat: SoakChat): Promise<number | null> {
		const response = await fetch(`${this.origin}/api/chats/${chat.id}/diagnostics`, {
			headers: { "x-chat-key": chat.ownerKey },
			signal: AbortSignal.timeout(15_000),
		});
		if (!response.ok) return null;
		const body: unknown = await response.json();
		const shards: unknown = typeof body === "object" && body !== null ? Reflect.get(body, "shards") : null;
		return typeof shards === "number" ? shards : null;
	}

	/** A new user of `chat` (a token of its own), not yet connected. */
	async newMember(chat: SoakChat, name: string): Promise<SoakMember> {
		const issued = await this.http.postJson(`${this.origin}/api/chats/${chat.id}/tokens`, { name }, 30_000);
		const token = field(issued.body, "token");
		if (issued.status !== 201 || token === null) throw new Error(`token: HTTP ${issued.status}`);
		const ws = `${this.origin.replace(/^http/, "ws")}/api/chats/${chat.id}/ws`;
		return new SoakMember(ws, token, this.counters);
	}

	/** One page of history as a reader scrolling back would ask for it, timed; checked for order. */
	async readPage(chat: SoakChat, before: number | null): Promise<void> {
		const query = before === null ? "limit=50" : `before=${before}&limit=50`;
		const began = performance.now();
		try {
			const page = await this.getPage(chat.id, query);
			const seqs = page.messages.map((message) => message.seq);
			if (seqs.some((seq, at) => at > 0 && seq <= (seqs[at - 1] ?? 0))) this.historyErrors++;
			this.historyReads++;
			this.readMs.push(performance.now() - began);
		} catch {
			this.historyErrors++;
		}
	}

	/** Milliseconds per page read so far: median and 99th percentile. */
	readLatency(): { p50: number; p99: number; reads: number } {
		const sorted = [...this.readMs].sort((a, b) => a - b);
		const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0;
		return { p50: at(0.5), p99: at(0.99), reads: sorted.length };
	}

	/** The whole stored history of a chat, oldest first, paged forward 200 at a time (bounded). */
	wholeHistory(chatId: string, maxPages = 500): Promise<StoredMessage[]> {
		return wholeHistory((query) => this.getPage(chatId, query), maxPages);
	}

	private async getPage(
		chatId: string,
		query: string,
	): Promise<{ messages: StoredMessage[]; hasMore: boolean }> {
		const response = await fetch(`${this.origin}/api/chats/${chatId}/messages?${query}`, {
			signal: AbortSignal.timeout(30_000),
		});
		if (!response.ok) throw new Error(`history: HTTP ${response.status}`);
		const body: unknown = await response.json();
		const list: unknown = typeof body === "object" && body !== null ? Reflect.get(body, "messages") : null;
		if (!Array.isArray(list)) throw new Error("history: no messages in the answer");
		return {
			messages: list.map(storedMessage),
			hasMore: typeof body === "object" && body !== null && Reflect.get(body, "hasMore") === true,
		};
	}

	close(): void {
		this.http.close();
	}
}

function storedMessage(value: unknown): StoredMessage {
	const read = (name: string): unknown =>
		typeof value === "object" && value !== null ? Reflect.get(value, name) : undefined;
	const user = read("user");
	const userId = typeof user === "object" && user !== null ? Reflect.get(user, "id") : undefined;
	const clientId = read("clientId");
	return {
		seq: Number(read("seq")),
		userId: String(userId),
		clientId: typeof clientId === "string" ? clientId : undefined,
		text: String(read("text")),
	};
}
