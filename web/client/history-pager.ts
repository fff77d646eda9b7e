import type { ChatMessage, HistoryPage } from "../../worker/protocol/index.ts";
import { limits } from "../../worker/protocol/limits.ts";
import type { ChatClientEvents, ClientMessage, ClientPage, ReceivedMessage } from "./client-types.ts";
import type { Emit } from "./emitter.ts";
import type { ChatApi } from "./http-api.ts";

/** Upper bound on HTTP pages fetched to fill a replay gap (200 messages each). */
const gapPagesMax = 500;

export interface PagerOptions {
	api: ChatApi;
	chatId: string;
	/** The token to read a private chat's history with, once joined. */
	token: () => string | undefined;
	/** Settles with the first `ready`: until then nobody knows where history ends. */
	joined: () => Promise<unknown>;
	/** The newest seq when we first joined: history at or below it is paged over HTTP. */
	baseline: () => number;
	/** Hands a message to the app unless it was delivered before; returns it as the app gets it. */
	deliver: (message: ChatMessage, source: ReceivedMessage["source"]) => ClientMessage;
	emit: Emit<ChatClientEvents>;
}

/**
 * What the socket does not bring, paged over HTTP: older history on demand (`loadOlder`), and the
 * rest of a gap whose replay after a long absence was capped.
 */
export class HistoryPager {
	readonly #options: PagerOptions;
	#oldestSeq: number | null = null;
	#hasOlder = true;
	#olderInFlight: Promise<ClientPage> | null = null;

	constructor(options: PagerOptions) {
		this.#options = options;
	}

	/** Whether `loadOlder()` may still find something. */
	get hasOlder(): boolean {
		return this.#hasOlder;
	}

	/** The page before the oldest message delivered so far; one request at a time. */
	loadOlder(limit: number): Promise<ClientPage> {
		this.#olderInFlight ??= this.#fetchOlder(limit).finally(() => {
			this.#olderInFlight = null;
		});
		return this.#olderInFlight;
	}

	/** The replay after a long absence was capped: page the rest of the gap over HTTP. */
	async fillGap(since: number, firstReplayed: number): Promise<void> {
		const { api, chatId, deliver, emit } = this.#options;
		let after = since;
		for (let page = 0; page < gapPagesMax; page++) {
			let result: HistoryPage;
			try {
				result = await api.history(
					chatId,
					{ after, before: firstReplayed, limit: limits.historyPageMax },
					this.#options.token(),
				);
			} catch (error) {
				const message = error instanceof Error ? error.message : String(error);
				emit("error", { code: "network", message: `missed messages not loaded: ${message}`, fatal: false });
				return;
			}
			for (const message of result.messages) deliver(message, "history");
			const last = result.messages.at(-1);
			if (!result.hasMore || !last) return;
			after = last.seq;
		}
	}

	async #fetchOlder(limit: number): Promise<ClientPage> {
		const { api, chatId, deliver } = this.#options;
		await this.#options.joined();
		const before = this.#oldestSeq ?? this.#options.baseline() + 1;
		if (!this.#hasOlder || before <= 1) {
			this.#hasOlder = false;
			return { messages: [], hasMore: false };
		}
		const page = await api.history(chatId, { before, limit }, this.#options.token());
		const messages = page.messages.map((message) => deliver(message, "history"));
		this.#oldestSeq = page.messages[0]?.seq ?? before;
		this.#hasOlder = page.hasMore && this.#oldestSeq > 1;
		return { ...page, messages };
	}
}
