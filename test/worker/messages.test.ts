import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { issueToken } from "../../worker/auth/tokens";
import type { ErrorBody, HistoryPage } from "../../worker/protocol";
import {
	api,
	bearer,
	createChat,
	expectError,
	joinToken,
	postJson,
	postMessage,
	seedMessages,
	storedMessageCount,
	TestSocket,
} from "./helpers";

async function history(
	chatId: string,
	query = "",
	headers: Record<string, string> = {},
): Promise<HistoryPage> {
	const response = await api(`/api/chats/${chatId}/messages${query}`, { headers });
	expect(response.status).toBe(200);
	return response.json<HistoryPage>();
}

const seqs = (page: HistoryPage) => page.messages.map((message) => message.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

describe("GET /api/chats/:id/messages", () => {
	it("is empty in a new chat", async () => {
		const chat = await createChat();
		expect(await history(chat.id)).toEqual({ messages: [], hasMore: false });
	});

	it("pages backwards from the newest, ascending within a page, with seq starting at 1", async () => {
		const chat = await createChat();
		await seedMessages(chat.id, 120);
		const newest = await history(chat.id);
		expect(seqs(newest)).toEqual(range(71, 120));
		expect(newest.hasMore).toBe(true);
		const older = await history(chat.id, "?before=71&limit=50");
		expect(seqs(older)).toEqual(range(21, 70));
		const oldest = await history(chat.id, "?before=21&limit=50");
		expect(seqs(oldest)).toEqual(range(1, 20));
		expect(oldest.hasMore).toBe(false);
	});

	it("pages forwards with after, bounded by before when both are given", async () => {
		const chat = await createChat();
		await seedMessages(chat.id, 30);
		const forward = await history(chat.id, "?after=10&limit=5");
		expect(seqs(forward)).toEqual(range(11, 15));
		expect(forward.hasMore).toBe(true);
		const window = await history(chat.id, "?after=10&before=14&limit=50");
		expect(seqs(window)).toEqual([11, 12, 13]);
		expect(window.hasMore).toBe(false);
		expect((await history(chat.id, "?after=30")).messages).toEqual([]);
	});

	it("says hasMore: false when exactly limit messages remain before the cursor, or in the chat", async () => {
		const chat = await createChat();
		await seedMessages(chat.id, 100);
		const lastOlder = await history(chat.id, "?before=51&limit=50");
		expect(seqs(lastOlder)).toEqual(range(1, 50));
		expect(lastOlder.hasMore).toBe(false);
		const oneMore = await history(chat.id, "?before=52&limit=50");
		expect(seqs(oneMore)).toEqual(range(2, 51));
		expect(oneMore.hasMore).toBe(true);
		const lastNewer = await history(chat.id, "?after=50&limit=50");
		expect(seqs(lastNewer)).toEqual(range(51, 100));
		expect(lastNewer.hasMore).toBe(false);
		const betweenExactly = await history(chat.id, "?after=10&before=21&limit=10");
		expect(seqs(betweenExactly)).toEqual(range(11, 20));
		expect(betweenExactly.hasMore).toBe(false);
		const small = await createChat();
		await seedMessages(small.id, 50);
		const whole = await history(small.id, "?limit=50");
		expect(seqs(whole)).toEqual(range(1, 50));
		expect(whole.hasMore).toBe(false);
	});

	it("returns whole messages with author, text and time", async () => {
		const chat = await createChat();
		const { token, user } = await joinToken(chat, "Ada");
		await postMessage(chat.id, token, "first!", "c-1");
		const [message] = (await history(chat.id)).messages;
		expect(message).toEqual({
			seq: 1,
			id: expect.any(String),
			user: { id: user.id, name: "Ada" },
			text: "first!",
			ts: expect.any(Number),
			clientId: "c-1",
		});
	});

	it.each([
		["limit=0", "?limit=0"],
		["limit=201", "?limit=201"],
		["a non-numeric cursor", "?before=abc"],
		["a negative cursor", "?after=-5"],
	])("refuses %s with 400", async (_what, query) => {
		const chat = await createChat();
		await expectError(await api(`/api/chats/${chat.id}/messages${query}`), 400, "bad_request");
	});

	it("reads a private chat's history only with a token of that chat", async () => {
		const chat = await createChat({ visibility: "private" });
		const { token } = await joinToken(chat, "bob", chat.inviteKey);
		await postMessage(chat.id, token, "psst");
		await expectError(await api(`/api/chats/${chat.id}/messages`), 404, "not_found");
		await expectError(
			await api(`/api/chats/${chat.id}/messages`, { headers: bearer("junk") }),
			401,
			"unauthorized",
		);
		const other = await joinToken(await createChat());
		await expectError(
			await api(`/api/chats/${chat.id}/messages`, { headers: bearer(other.token) }),
			401,
			"unauthorized",
		);
		expect((await history(chat.id, "", bearer(token))).messages.map((message) => message.text)).toEqual([
			"psst",
		]);
	});
});

describe("POST /api/chats/:id/messages", () => {
	it("stores the message, broadcasts it to sockets and answers 201", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat, "bot");
		const listener = await TestSocket.open(chat.id, (await joinToken(chat, "human")).token);
		const posted = await postMessage(chat.id, token, "  hello from HTTP  ");
		expect(posted.status).toBe(201);
		expect(posted.body.message).toMatchObject({ seq: 1, text: "hello from HTTP", user: { name: "bot" } });
		expect((await listener.next("message")).message).toEqual(posted.body.message);
		listener.close();
	});

	it("stores nothing new when retried with the same clientId, and answers 200 with the original", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat);
		const first = await postMessage(chat.id, token, "once", "retry-1");
		const again = await postMessage(chat.id, token, "once", "retry-1");
		expect(first.status).toBe(201);
		expect(again.status).toBe(200);
		expect(again.body.message).toEqual(first.body.message);
		expect(await storedMessageCount(chat.id)).toBe(1);
	});

	it("treats the same clientId from another user as a different message", async () => {
		const chat = await createChat();
		const alice = await joinToken(chat, "alice");
		const bob = await joinToken(chat, "bob");
		expect((await postMessage(chat.id, alice.token, "hi", "same")).status).toBe(201);
		expect((await postMessage(chat.id, bob.token, "hi", "same")).status).toBe(201);
		expect(await storedMessageCount(chat.id)).toBe(2);
	});

	it("refuses missing, invalid, expired and other-chat tokens with 401", async () => {
		const chat = await createChat();
		const path = `/api/chats/${chat.id}/messages`;
		const { user } = await joinToken(chat);
		const expired = await issueToken(env.TOKEN_SECRET, { chatId: chat.id, user, expiresAt: Date.now() - 1 });
		const foreign = await joinToken(await createChat());
		await expectError(await postJson(path, { text: "x" }), 401, "unauthorized");
		await expectError(await postJson(path, { text: "x" }, bearer("nope")), 401, "unauthorized");
		expect(
			await expectError(await postJson(path, { text: "x" }, bearer(expired)), 401, "unauthorized"),
		).toMatch(/expired/);
		await expectError(await postJson(path, { text: "x" }, bearer(foreign.token)), 401, "unauthorized");
		expect(await storedMessageCount(chat.id)).toBe(0);
	});

	it.each([
		["empty text", { text: "" }],
		["whitespace only", { text: " \n\t " }],
		["text over 4000 characters", { text: "a".repeat(4001) }],
		["a non-string text", { text: 42 }],
		["a malformed clientId", { text: "ok", clientId: "has spaces" }],
	])("refuses %s with 400 and stores nothing", async (_what, body) => {
		const chat = await createChat();
		const { token } = await joinToken(chat);
		await expectError(
			await postJson(`/api/chats/${chat.id}/messages`, body, bearer(token)),
			400,
			"bad_request",
		);
		expect(await storedMessageCount(chat.id)).toBe(0);
	});

	it("accepts exactly 4000 characters, counting emoji as one", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat);
		expect((await postMessage(chat.id, token, "🙂".repeat(4000))).status).toBe(201);
	});

	it("rate limits each user to 20 messages per 10 s with 429, retryAfterMs and Retry-After", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat, "spammer");
		// The bucket refills one message per 500 ms: on a slow machine a few more than 20 pass.
		const startedAt = Date.now();
		let accepted = 0;
		let response: Response;
		for (;;) {
			response = await postJson(`/api/chats/${chat.id}/messages`, { text: `m${accepted}` }, bearer(token));
			if (response.status !== 201 || accepted === 40) break;
			accepted++;
		}
		const refilled = Math.ceil((Date.now() - startedAt) / 500);
		expect(accepted).toBeGreaterThanOrEqual(20);
		expect(accepted).toBeLessThanOrEqual(20 + refilled);
		const body = await response.clone().json<ErrorBody>();
		await expectError(response, 429, "rate_limited");
		const wait = body.error.retryAfterMs ?? 0;
		expect(wait).toBeGreaterThan(0);
		expect(wait).toBeLessThanOrEqual(10_000);
		expect(Number.isInteger(wait)).toBe(true);
		expect(Number(response.headers.get("Retry-After"))).toBe(Math.ceil(wait / 1000));
		expect(await storedMessageCount(chat.id)).toBe(accepted);
		const other = await joinToken(chat, "someone else");
		expect((await postMessage(chat.id, other.token, "still fine")).status).toBe(201);
	});
});

describe("DELETE /api/chats/:id/messages/:seq", () => {
	it("lets the owner remove a message's text; sockets are told and history keeps the seq", async () => {
		const chat = await createChat();
		const owner = await joinToken(chat, "owner", chat.ownerKey);
		const member = await joinToken(chat, "member");
		const listener = await TestSocket.open(chat.id, member.token);
		await postMessage(chat.id, member.token, "regrettable");
		await postMessage(chat.id, member.token, "fine");
		const response = await api(`/api/chats/${chat.id}/messages/1`, {
			method: "DELETE",
			headers: bearer(owner.token),
		});
		expect(response.status).toBe(204);
		expect(await listener.next("deleted")).toEqual({ type: "deleted", seq: 1, rev: 3 });
		const page = await history(chat.id);
		expect(page.messages.map((message) => [message.seq, message.text, message.deleted])).toEqual([
			[1, "", true],
			[2, "fine", undefined],
		]);
		listener.close();
	});

	it("forbids members another's message, and answers 404 for a message that does not exist", async () => {
		const chat = await createChat();
		const member = await joinToken(chat, "member");
		const other = await joinToken(chat, "other");
		const owner = await joinToken(chat, "owner", chat.ownerKey);
		await postMessage(chat.id, member.token, "mine");
		const remove = (seq: string, token: string) =>
			api(`/api/chats/${chat.id}/messages/${seq}`, { method: "DELETE", headers: bearer(token) });
		await expectError(await remove("1", other.token), 403, "forbidden");
		await expectError(await remove("99", owner.token), 404, "not_found");
		await expectError(await remove("zero", owner.token), 400, "bad_request");
		await expectError(
			await api(`/api/chats/${chat.id}/messages/1`, { method: "DELETE" }),
			401,
			"unauthorized",
		);
		expect((await history(chat.id)).messages[0]?.text).toBe("mine");
	});
});
