import { afterEach, describe, expect, it } from "vitest";
import { ApiError, ChatClient, type ClientError } from "../../web/client/index.ts";
import type { IssuedToken } from "../../worker/protocol/index.ts";
import { api, baseUrl, unique, until, withTimeout } from "../e2e/helpers.ts";

/** ChatClient's first visit to a chat: one upgrade carrying the name, a token request only if refused. */

const open: ChatClient[] = [];
afterEach(() => {
	for (const client of open.splice(0)) client.close();
});

/** The HTTP requests a client makes (method and path), through a real `fetch`. */
function countingFetch(): { fetch: typeof fetch; requests: string[] } {
	const requests: string[] = [];
	const counted: typeof fetch = (input, init) => {
		const url = new URL(input instanceof Request ? input.url : String(input));
		requests.push(`${init?.method ?? "GET"} ${url.pathname}`);
		return fetch(input, init);
	};
	return { fetch: counted, requests };
}

/** A real WebSocket class that keeps every socket it opens and the subprotocols each offered. */
function trackedSockets() {
	const offers: string[][] = [];
	const sockets: WebSocket[] = [];
	class TrackedWebSocket extends WebSocket {
		constructor(url: string | URL, protocols: string[] = []) {
			super(url, protocols);
			offers.push(protocols);
			sockets.push(this);
		}
	}
	return { WebSocket: TrackedWebSocket, offers, sockets };
}

/** What kind of credential an offer carries: `name`, `key`, `token` (the prefixes' middle word). */
const carried = (offer: string[]) =>
	offer.filter((protocol) => protocol !== "edgechat.v1").map((protocol) => protocol.split(".")[1]);

describe("ChatClient's first visit", () => {
	it("joins with one upgrade and no token request, and keeps its user id on reconnect", async () => {
		const chat = await api.createChat({ name: unique("Client first visit") });
		const { fetch, requests } = countingFetch();
		const { WebSocket, offers, sockets } = trackedSockets();
		const client = new ChatClient({
			baseUrl,
			chatId: chat.id,
			name: "Zoë 🦊",
			fetch,
			WebSocket,
			backoff: { baseMs: 100, maxMs: 1000 },
		});
		open.push(client);
		const issued: IssuedToken[] = [];
		client.on("token", (token) => issued.push(token));
		const ready = await withTimeout(client.connect(), 10_000, "the first join");

		expect(requests).toEqual([]);
		expect(offers.map(carried)).toEqual([["name"]]);
		// The token came in `ready`, announced as an issued one is, so a page can keep it.
		expect(issued).toHaveLength(1);
		expect(issued[0]?.user).toEqual({ id: ready.user.id, name: "Zoë 🦊", role: "member" });
		expect(client.token).toEqual(issued[0]);

		// The link drops: the next socket offers that token and is the same user.
		sockets.at(-1)?.close();
		await until(() => client.state === "reconnecting", "reconnecting");
		await until(() => client.state === "live", "live again");
		expect(offers.map(carried)).toEqual([["name"], ["token"]]);
		expect(client.user?.id).toBe(ready.user.id);
		expect(requests).toEqual([]);
		expect(issued).toHaveLength(1);
	});

	it("ends with the server's not_found for a wrong key of a private chat, asked in a token request", async () => {
		const chat = await api.createChat({ name: unique("Client wrong key"), visibility: "private" });
		const { fetch, requests } = countingFetch();
		const { WebSocket, offers } = trackedSockets();
		const client = new ChatClient({
			baseUrl,
			chatId: chat.id,
			name: "eve",
			key: "wrong-key",
			fetch,
			WebSocket,
		});
		open.push(client);
		const errors: ClientError[] = [];
		client.on("error", (error) => errors.push(error));
		const failure = await withTimeout(client.connect(), 10_000, "the refusal").then(
			() => null,
			(error: unknown) => error,
		);
		// The token request's own refusal, word for word.
		const direct = await api.issueToken(chat.id, { name: "eve", key: "wrong-key" }).then(
			() => null,
			(error: unknown) => error,
		);
		expect(direct).toMatchObject({ status: 404, code: "not_found" });
		const { message } = direct instanceof ApiError ? direct : { message: "no refusal" };
		expect(failure).toMatchObject({ code: "not_found", message });
		expect(errors).toEqual([{ code: "not_found", message, fatal: true }]);
		expect(client.state).toBe("closed");
		// The upgrade offering the name was refused; the token request that followed said why.
		expect(offers.map(carried)).toEqual([["name", "key"]]);
		expect(requests).toEqual([`POST /api/chats/${chat.id}/tokens`]);
	});

	it("asks for a token when the key cannot ride in a subprotocol, and joins with the owner key in one upgrade", async () => {
		const chat = await api.createChat({ name: unique("Client odd key"), visibility: "private" });
		const odd = countingFetch();
		const oddSockets = trackedSockets();
		const pasted = new ChatClient({
			baseUrl,
			chatId: chat.id,
			name: "paste",
			key: "a key, pasted",
			fetch: odd.fetch,
			WebSocket: oddSockets.WebSocket,
		});
		open.push(pasted);
		const failure = await withTimeout(pasted.connect(), 10_000, "the refusal").then(
			() => null,
			(error: unknown) => error,
		);
		expect(failure).toMatchObject({ code: "not_found" });
		expect(oddSockets.offers).toEqual([]);
		expect(odd.requests).toEqual([`POST /api/chats/${chat.id}/tokens`]);

		const owner = countingFetch();
		const client = new ChatClient({
			baseUrl,
			chatId: chat.id,
			name: "olga",
			key: chat.ownerKey,
			fetch: owner.fetch,
		});
		open.push(client);
		const ready = await withTimeout(client.connect(), 10_000, "the owner's join");
		expect(ready.user.role).toBe("owner");
		expect(client.token?.user.role).toBe("owner");
		expect(owner.requests).toEqual([]);
	});
});
