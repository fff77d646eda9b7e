import type { ChatMessage } from "../../worker/protocol/index.ts";
import { limits } from "../../worker/protocol/limits.ts";
import type { ClientMessage, ClientPage, SearchOptions } from "./client-types.ts";
import type { ChatApi } from "./http-api.ts";
import { markMentions } from "./mentions.ts";
import type { ReplyQuotes } from "./reply-quotes.ts";

/**
 * Messages looked up rather than followed: a search's results and the messages around one (to
 * show it in its context). They are returned, not delivered as `message` events: the live
 * conversation stays as it is.
 */
export class MessageFinder {
	/**
	 * `token`: the one to read a private chat with, once joined. `quotes`: the replies it returns
	 * keep their quotes current too (`quote` events). `me`: whose mentions it marks (`mentionsMe`).
	 */
	readonly #api: ChatApi;
	readonly #chatId: string;
	readonly #token: () => string | undefined;
	readonly #quotes: ReplyQuotes;
	readonly #me: () => string | undefined;

	constructor(
		api: ChatApi,
		chatId: string,
		token: () => string | undefined,
		quotes: ReplyQuotes,
		me: () => string | undefined,
	) {
		this.#api = api;
		this.#chatId = chatId;
		this.#token = token;
		this.#quotes = quotes;
		this.#me = me;
	}

	async search(q: string, options: SearchOptions = {}): Promise<ClientPage> {
		const page = await this.#api.search(this.#chatId, q, options, this.#token());
		return { ...page, messages: this.#seeAll(page.messages) };
	}

	/**
	 * The message `seq` with up to `count` messages on each side, oldest first (two history pages,
	 * read at once). A seq the history no longer holds gives its neighbours alone.
	 */
	async around(seq: number, count: number): Promise<ClientMessage[]> {
		const api = this.#api;
		const chatId = this.#chatId;
		const side = Math.max(1, Math.min(Math.floor(count), limits.historyPageMax - 1));
		const [upTo, after] = await Promise.all([
			api.history(chatId, { before: seq + 1, limit: side + 1 }, this.#token()),
			api.history(chatId, { after: seq, limit: side }, this.#token()),
		]);
		return this.#seeAll([...upTo.messages, ...after.messages]);
	}

	/** Keeps the replies' quotes current, and marks the messages that mention this user. */
	#seeAll(messages: ChatMessage[]): ClientMessage[] {
		const me = this.#me();
		return messages.map((message) => {
			this.#quotes.see(message);
			return markMentions(message, me);
		});
	}
}
