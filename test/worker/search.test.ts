import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { HistoryPage } from "../../worker/protocol";
import type { ChatRoom } from "../../worker/room/chat-room";
import {
	api,
	call,
	createChat,
	joinToken,
	postMessage,
	roomStub,
	search,
	searchRequest,
	seedMessages,
	sleep,
	storedMessageCount,
	TestSocket,
} from "./helpers";

const retention = 300; // MESSAGE_RETENTION in vitest.config.ts

const texts = (page: HistoryPage) => page.messages.map((message) => message.text);
const seqs = (page: HistoryPage) => page.messages.map((message) => message.seq);

/** Posts each text as `token`'s user, in order. */
async function postAll(chatId: string, token: string, all: string[]): Promise<void> {
	for (const text of all) expect((await postMessage(chatId, token, text)).status).toBe(201);
}

/** Rows the chat's search index finds for one word, read straight from its SQLite database. */
function indexedRows(chatId: string, word: string): Promise<number[]> {
	return runInDurableObject(roomStub(chatId), (_room: ChatRoom, state) =>
		state.storage.sql
			.exec<{ seq: number }>(
				"SELECT rowid AS seq FROM message_search WHERE message_search MATCH ? ORDER BY rowid",
				`"${word}"`,
			)
			.toArray()
			.map((row) => row.seq),
	);
}

describe("GET /api/chats/:id/search", () => {
	it("finds the messages holding every word, newest first, each shaped as in history", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat, "alice");
		await postAll(chat.id, token, ["the quick brown fox", "a lazy dog", "the quick dog", "brown bread"]);
		expect(texts(await search(chat.id, "quick dog"))).toEqual(["the quick dog"]);
		const found = await search(chat.id, "the");
		expect(texts(found)).toEqual(["the quick dog", "the quick brown fox"]);
		expect(found.hasMore).toBe(false);
		const history = await (await api(`/api/chats/${chat.id}/messages`)).json<HistoryPage>();
		for (const message of found.messages) {
			expect(message).toEqual(history.messages.find((entry) => entry.seq === message.seq));
		}
	});

	it("matches whatever the case and the accents, and the last word also as a prefix", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat, "alice");
		await postAll(chat.id, token, ["Café au lait", "CAFÉ NOIR", "hello world", "Crème brûlée", "cafeteria"]);
		expect(texts(await search(chat.id, "cafe"))).toEqual(["cafeteria", "CAFÉ NOIR", "Café au lait"]);
		expect(texts(await search(chat.id, "café au"))).toEqual(["Café au lait"]);
		expect(texts(await search(chat.id, "CREME BRULEE"))).toEqual(["Crème brûlée"]);
		expect(texts(await search(chat.id, "hel"))).toEqual(["hello world"]);
		expect(texts(await search(chat.id, "HELLO wor"))).toEqual(["hello world"]);
		// Only the last word is a prefix: every other one must be there whole.
		expect(texts(await search(chat.id, "hel world"))).toEqual([]);
	});

	it("pages to older results with before, 20 at a time unless limit says otherwise", async () => {
		const chat = await createChat();
		await seedMessages(chat.id, 45, undefined, (seq) => `needle number ${seq}`);
		const first = await search(chat.id, "needle");
		expect(seqs(first)).toEqual(Array.from({ length: 20 }, (_, index) => 45 - index));
		expect(first.hasMore).toBe(true);
		const second = await search(chat.id, "needle", "&before=26&limit=20");
		expect(seqs(second)).toEqual(Array.from({ length: 20 }, (_, index) => 25 - index));
		expect(second.hasMore).toBe(true);
		const last = await search(chat.id, "needle", "&before=6&limit=100");
		expect(seqs(last)).toEqual([5, 4, 3, 2, 1]);
		expect(last.hasMore).toBe(false);
		const exactly = await search(chat.id, "needle", "&before=6&limit=5");
		expect(exactly.hasMore).toBe(false);
	});

	it("takes q as text, never as a query language: no error, and words found as written", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat, "alice");
		await postAll(chat.id, token, [
			"cats OR dogs",
			"meet me NEAR the station",
			"price: 5 (five)",
			'she said "hi" twice',
			"write an e-mail",
			"AND NOT these",
		]);
		const hostile = [
			'"',
			'""',
			'"unterminated',
			"*",
			"-",
			":",
			"(",
			")",
			"^",
			"+",
			"OR",
			"AND",
			"NOT",
			"NEAR",
			"NEAR(cats dogs)",
			"NEAR(cats dogs, 2)",
			"cats OR",
			"OR cats",
			"text:cats",
			"{text}: cats",
			"-cats",
			"cats*",
			"*cats",
			"cats -dogs",
			"\\",
			"'; DROP TABLE messages; --",
			"%_",
			"🙂",
			"a\u0000b",
			"\u0000",
			"\u0301",
			"e\u0301",
			"x\u2028\uFEFFy",
			"\u202Eevil",
			"x".repeat(200),
		];
		for (const q of hostile) {
			const response = await searchRequest(chat.id, q);
			expect(response.status, `q=${JSON.stringify(q)}`).toBe(200);
		}
		expect(texts(await search(chat.id, "OR"))).toEqual(["cats OR dogs"]);
		expect(texts(await search(chat.id, "cats OR"))).toEqual(["cats OR dogs"]);
		expect(texts(await search(chat.id, "NEAR"))).toEqual(["meet me NEAR the station"]);
		expect(texts(await search(chat.id, "AND NOT"))).toEqual(["AND NOT these"]);
		expect(texts(await search(chat.id, '"hi"'))).toEqual(['she said "hi" twice']);
		expect(texts(await search(chat.id, "price: (five)"))).toEqual(["price: 5 (five)"]);
		expect(texts(await search(chat.id, "e-mail"))).toEqual(["write an e-mail"]);
		expect(texts(await search(chat.id, "-"))).toEqual([]);
		expect(texts(await search(chat.id, '"*"'))).toEqual([]);
	});

	it("never finds a deleted message, and finds an edited one by its new text only", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat, "alice");
		const { body: edited } = await postMessage(chat.id, token, "original wording");
		const { body: deleted } = await postMessage(chat.id, token, "zebra crossing");
		// Indexed by this first search; then changed.
		expect(await search(chat.id, "original")).toMatchObject({ messages: [{ seq: edited.message.seq }] });
		expect(await search(chat.id, "zebra")).toMatchObject({ messages: [{ seq: deleted.message.seq }] });
		expect(
			(await call("PATCH", `/api/chats/${chat.id}/messages/1`, token, { text: "new words" })).status,
		).toBe(200);
		expect((await call("DELETE", `/api/chats/${chat.id}/messages/2`, token)).status).toBe(204);
		expect(texts(await search(chat.id, "original"))).toEqual([]);
		expect(await search(chat.id, "new words")).toMatchObject({ messages: [{ seq: 1, text: "new words" }] });
		expect(texts(await search(chat.id, "zebra"))).toEqual([]);
		// Changed before any search indexed them: the same.
		await postMessage(chat.id, token, "second draft");
		await postMessage(chat.id, token, "zebra again");
		await call("PATCH", `/api/chats/${chat.id}/messages/3`, token, { text: "final copy" });
		await call("DELETE", `/api/chats/${chat.id}/messages/4`, token);
		expect(texts(await search(chat.id, "draft"))).toEqual([]);
		expect(texts(await search(chat.id, "final"))).toEqual(["final copy"]);
		expect(texts(await search(chat.id, "zebra"))).toEqual([]);
	});

	it("lets the messages retention trims leave the index with them", async () => {
		const chat = await createChat();
		await seedMessages(chat.id, retention + 100, undefined, (seq) => `archived ${seq}`);
		expect((await search(chat.id, "archived")).messages).toHaveLength(20);
		expect(await indexedRows(chat.id, "archived")).toHaveLength(retention + 100);
		const { token } = await joinToken(chat);
		expect((await postMessage(chat.id, token, "tips it over")).status).toBe(201);
		for (let attempt = 0; attempt < 100 && (await storedMessageCount(chat.id)) > retention; attempt++)
			await sleep(20);
		// 401 messages in all, the newest 300 kept: 102..401.
		const indexed = await indexedRows(chat.id, "archived");
		expect(indexed[0]).toBe(102);
		expect(indexed).toHaveLength(retention - 1);
		const oldest = await search(chat.id, "archived", "&before=110");
		expect(seqs(oldest)).toEqual([109, 108, 107, 106, 105, 104, 103, 102]);
		expect(oldest.hasMore).toBe(false);
	});

	it("searches a chat whose log is older than its index: built when first needed", async () => {
		const chat = await createChat();
		await seedMessages(chat.id, 300, undefined, (seq) => `legacy line ${seq}`);
		// As a chat created before search existed: a log and no index at all.
		await runInDurableObject(roomStub(chat.id), (_room: ChatRoom, state) => {
			state.storage.sql.exec("DROP TABLE message_search");
			state.storage.sql.exec("DROP TABLE message_search_state");
		});
		await evictDurableObject(roomStub(chat.id));
		const found = await search(chat.id, "legacy line");
		expect(seqs(found)).toEqual(Array.from({ length: 20 }, (_, index) => 300 - index));
		expect(found.hasMore).toBe(true);
		expect(seqs(await search(chat.id, "legacy 7", "&limit=100"))).toEqual([
			79, 78, 77, 76, 75, 74, 73, 72, 71, 70, 7,
		]);
	});

	it("indexes waiting messages a batch at a time as posts come, without waiting for a search", async () => {
		const chat = await createChat();
		await seedMessages(chat.id, 100, undefined, (seq) => `waiting ${seq}`);
		expect(await indexedRows(chat.id, "waiting")).toEqual([]);
		const { token } = await joinToken(chat);
		await postMessage(chat.id, token, "one more");
		expect((await indexedRows(chat.id, "waiting")).length).toBeGreaterThan(0);
	});

	it("finds a message the moment it was sent, over a socket too", async () => {
		const chat = await createChat();
		const alice = await joinToken(chat, "alice");
		const bob = await joinToken(chat, "bob");
		const socket = await TestSocket.open(chat.id, alice.token);
		const other = await TestSocket.open(chat.id, bob.token);
		other.send({ type: "send", text: "fresh from the socket", clientId: "s-1" });
		await socket.until(() => socket.messages.length === 1, "the message");
		expect(await search(chat.id, "fresh")).toMatchObject({
			messages: [{ text: "fresh from the socket", user: { name: "bob" }, clientId: "s-1" }],
			hasMore: false,
		});
		socket.close();
		other.close();
	});

	it("gives a chat that keeps no history nothing to find", async () => {
		const chat = await createChat({ history: false });
		const { token } = await joinToken(chat);
		await postMessage(chat.id, token, "relayed, never stored");
		expect(await search(chat.id, "relayed")).toEqual({ messages: [], hasMore: false });
	});
});
