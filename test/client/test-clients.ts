import { afterEach } from "vitest";
import type { ChatClient, ChatClientOptions } from "../../web/client/index.ts";
import type { ChatMessage } from "../../worker/protocol/index.ts";
import { connectClient } from "../e2e/helpers.ts";

/**
 * The clients a test file opens, each closed after the test that opened it: `join` connects one
 * (with `defaults` under its own options), `keep` takes one made otherwise.
 */
export function clientsOfEachTest(defaults: Partial<ChatClientOptions> = {}) {
	const open: ChatClient[] = [];
	afterEach(() => {
		for (const client of open.splice(0)) client.close();
	});
	return {
		async join(chatId: string, name: string, options: Partial<ChatClientOptions> = {}): Promise<ChatClient> {
			return this.keep(await connectClient(chatId, name, { ...defaults, ...options }));
		},
		keep(client: ChatClient): ChatClient {
			open.push(client);
			return client;
		},
	};
}

/** Every message the client delivers, in delivery order. */
export function recordMessages(client: ChatClient): ChatMessage[] {
	const received: ChatMessage[] = [];
	client.on("message", ({ message }) => received.push(message));
	return received;
}
