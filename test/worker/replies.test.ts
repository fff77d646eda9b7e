import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatMessage, HistoryPage } from "../../worker/protocol";
import type { ChatRoom } from "../../worker/room/chat-room";
import { RecentMessages } from "../../worker/sequencer/recent-messages";
import {
	api,
	call,
	createChat,
	expectError,
	joinToken,
	postJson,
	postMessage,
	roomStub,
	TestSocket,
} from "./helpers";

const apiKey = { "X-API-Key": "test-api-key-one" };

function reply(chatId: string, token: string, body: Record<string, unknown>) {
	return call("POST", `/api/chats/${chatId}/messages`, token, body);
}

async function history(chatId: string): Promise<ChatMessage[]> {
	return (await (await api(`/api/chats/${chatId}/messages`)).json<HistoryPage>()).messages;
}

describe("replies", () => {
	it("carry the seq, author and first 120 characters of the message they answer, over HTTP", async () => {
		const chat = await createChat();
		const ada = await joinToken(chat, "ada");
		const bob = await joinToken(chat, "bob");
		const watcher = await TestSocket.open(chat.id, bob.token);
		// 130 characters, emoji among them: the quote counts characters, never halves of one.
		const long = `${"🙂".repeat(10)}${"x".repeat(120)}`;
		const { body: original } = await postMessage(chat.id, ada.token, long);
		const response = await reply(chat.id, bob.token, { text: "agreed", replyTo: original.message.seq });
		expect(response.status).toBe(201);
		const quote = {
			seq: 1,
			user: { id: ada.user.id, name: "ada" },
			text: `${"🙂".repeat(10)}${"x".repeat(110)}`,
		};
		expect((await response.json<{ message: ChatMessage }>()).message.replyTo).toEqual(quote);
		await watcher.until(() => watcher.messages.length === 2, "both messages");
		expect(watcher.messages[1]?.replyTo).toEqual(quote);
		expect((await history(chat.id))[1]?.replyTo).toEqual(quote);
		expect((await history(chat.id))[0]).not.toHaveProperty("replyTo");
		watcher.close();
	});

	it("carry it over the socket, and a bad one is refused with the send's clientId", async () => {
		const chat = await createChat();
		const ada = await joinToken(chat, "ada");
		const bob = await joinToken(chat, "bob");
		const adaSocket = await TestSocket.open(chat.id, ada.token);
		const bobSocket = await TestSocket.open(chat.id, bob.token);
		adaSocket.send({ type: "send", text: "lunch at noon?", clientId: "q-1" });
		await bobSocket.next("message");
		bobSocket.send({ type: "send", text: "yes", clientId: "a-1", replyTo: 1 });
		await adaSocket.until(() => adaSocket.messages.length === 2, "the reply");
		expect(adaSocket.messages[1]).toMatchObject({
			seq: 2,
			text: "yes",
			replyTo: { seq: 1, user: { id: ada.user.id, name: "ada" }, text: "lunch at noon?" },
		});
		bobSocket.send({ type: "send", text: "to nothing", clientId: "a-2", replyTo: 99 });
		const refused = await bobSocket.next("error");
		expect(refused).toMatchObject({ code: "bad_request", clientId: "a-2" });
		expect(refused.message).toMatch(/replyTo: no message 99/);
		bobSocket.send({ type: "send", text: "not a seq", clientId: "a-3", replyTo: "one" });
		expect(await bobSocket.next("error", 1)).toMatchObject({ code: "bad_request" });
		expect((await history(chat.id)).map((message) => message.text)).toEqual(["lunch at noon?", "yes"]);
		adaSocket.close();
		bobSocket.close();
	});

	it("to no message of the chat, or to a deleted one, are refused with 400 bad_request", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat, "ada");
		const other = await createChat();
		const { token: otherToken } = await joinToken(other, "ada");
		await postMessage(other.id, otherToken, "elsewhere");
		await postMessage(chat.id, token, "soon gone");
		expect((await call("DELETE", `/api/chats/${chat.id}/messages/1`, token)).status).toBe(204);
		expect(
			await expectError(await reply(chat.id, token, { text: "hm", replyTo: 1 }), 400, "bad_request"),
		).toMatch(/deleted/);
		expect(
			await expectError(await reply(chat.id, token, { text: "hm", replyTo: 2 }), 400, "bad_request"),
		).toMatch(/no message 2/);
		await expectError(await reply(chat.id, token, { text: "hm", replyTo: 0 }), 400, "bad_request");
		await expectError(await reply(chat.id, token, { text: "hm", replyTo: 1.5 }), 400, "bad_request");
		// Nothing was stored.
		expect((await history(chat.id)).length).toBe(1);
	});

	it("show deleted: true and no text once the message they answer is deleted, in history and on resume", async () => {
		const chat = await createChat();
		const ada = await joinToken(chat, "ada");
		const bob = await joinToken(chat, "bob");
		const bobSocket = await TestSocket.open(chat.id, bob.token);
		await postMessage(chat.id, ada.token, "a secret");
		await reply(chat.id, bob.token, { text: "a reply", replyTo: 1, clientId: "r-1" });
		await bobSocket.until(() => bobSocket.messages.length === 2, "both messages");
		bobSocket.close();
		const adaSocket = await TestSocket.open(chat.id, ada.token);
		adaSocket.send({ type: "delete", seq: 1 });
		// The deletion's frame is what a client updates the quote from.
		expect(await adaSocket.next("deleted")).toMatchObject({ seq: 1 });
		const gone = { seq: 1, user: { id: ada.user.id, name: "ada" }, deleted: true };
		const [deleted, answer] = await history(chat.id);
		expect(answer?.replyTo).toEqual(gone);
		expect(deleted).not.toHaveProperty("replyTo");
		expect(JSON.stringify(await history(chat.id))).not.toContain("a secret");
		// A resume replays the reply as it is now (from the log, or a shard's copy of the newest).
		const resumed = await TestSocket.open(chat.id, bob.token, 1);
		await resumed.until(() => resumed.messages.length === 1, "the replayed reply");
		expect(resumed.messages[0]?.replyTo).toEqual(gone);
		// A retry of the reply is answered with the original, as it is now.
		const retry = await reply(chat.id, bob.token, { text: "a reply", replyTo: 1, clientId: "r-1" });
		expect(retry.status).toBe(200);
		expect((await retry.json<{ message: ChatMessage }>()).message.replyTo).toEqual(gone);
		adaSocket.close();
		resumed.close();
	});

	it("keep the quote as it was when the original is edited, and lose it when they are deleted", async () => {
		const chat = await createChat();
		const ada = await joinToken(chat, "ada");
		await postMessage(chat.id, ada.token, "first wording");
		await reply(chat.id, ada.token, { text: "me again", replyTo: 1, mentions: [ada.user.id] });
		await call("PATCH", `/api/chats/${chat.id}/messages/1`, ada.token, { text: "second wording" });
		expect((await history(chat.id))[1]?.replyTo?.text).toBe("first wording");
		await call("DELETE", `/api/chats/${chat.id}/messages/2`, ada.token);
		const deletedReply = (await history(chat.id))[1];
		expect(deletedReply).toMatchObject({ seq: 2, deleted: true, text: "" });
		expect(deletedReply).not.toHaveProperty("replyTo");
		expect(deletedReply).not.toHaveProperty("mentions");
	});

	it("answer a recent message in a chat that keeps no history", async () => {
		const chat = await createChat({ history: false });
		const ada = await joinToken(chat, "ada");
		const socket = await TestSocket.open(chat.id, ada.token);
		await postMessage(chat.id, ada.token, "live only");
		const answered = await reply(chat.id, ada.token, { text: "still", replyTo: 1 });
		expect(answered.status).toBe(201);
		expect((await answered.json<{ message: ChatMessage }>()).message.replyTo).toMatchObject({
			seq: 1,
			text: "live only",
		});
		await expectError(await reply(chat.id, ada.token, { text: "x", replyTo: 7 }), 400, "bad_request");
		socket.close();
	});

	it("travel in exports and webhook events, with the mentions", async () => {
		const chat = await createChat();
		const ada = await joinToken(chat, "ada");
		const hook = await api(`/api/chats/${chat.id}/webhook`, {
			method: "PUT",
			headers: { "Content-Type": "application/json", ...apiKey },
			body: JSON.stringify({ url: "http://127.0.0.1:1/hook", events: ["message.created"] }),
		});
		expect(hook.ok).toBe(true);
		await postMessage(chat.id, ada.token, "question");
		const posted = await postJson(
			`/api/chats/${chat.id}/messages`,
			{ text: "answer", replyTo: 1, mentions: [ada.user.id], user: { id: "bot-1", name: "Bot" } },
			apiKey,
		);
		expect(posted.status).toBe(201);
		const carried = { replyTo: { seq: 1, user: { name: "ada" }, text: "question" }, mentions: [ada.user.id] };
		const exported = (
			await (await api(`/api/chats/${chat.id}/export?format=ndjson`, { headers: apiKey })).text()
		)
			.trim()
			.split("\n")
			.map((line) => JSON.parse(line));
		expect(exported[1]).toMatchObject({ seq: 2, ...carried });
		const text = await (await api(`/api/chats/${chat.id}/export?format=txt`, { headers: apiKey })).text();
		expect(text).toContain("Bot (replying to ada, #1): answer");
		const events = await runInDurableObject(roomStub(chat.id), (_room: ChatRoom, state) =>
			state.storage.sql
				.exec<{ body: string }>("SELECT body FROM webhook_outbox ORDER BY n")
				.toArray()
				.map((row) => JSON.parse(row.body)),
		);
		expect(events[1]).toMatchObject({ type: "message.created", data: { message: { seq: 2, ...carried } } });
	});
});

describe("the newest messages held in memory (what shards resume from)", () => {
	it("lose a deleted message's text, quote and mentions, and its replies their quote of it", () => {
		const recent = new RecentMessages(10);
		const ada = { id: "uada000000000000", name: "ada" };
		recent.reset(0, [], 0);
		recent.add({ seq: 1, id: "m1", user: ada, text: "original", ts: 1 });
		recent.add({
			seq: 2,
			id: "m2",
			user: ada,
			text: "reply",
			ts: 2,
			replyTo: { seq: 1, user: ada, text: "original" },
			mentions: [ada.id],
		});
		recent.add({
			seq: 3,
			id: "m3",
			user: ada,
			text: "other",
			ts: 3,
			replyTo: { seq: 2, user: ada, text: "reply" },
		});
		recent.redact(1);
		expect(recent.find(1)).toEqual({ seq: 1, id: "m1", user: ada, text: "", ts: 1, deleted: true });
		expect(recent.find(2)?.replyTo).toEqual({ seq: 1, user: ada, deleted: true });
		expect(recent.find(3)?.replyTo).toEqual({ seq: 2, user: ada, text: "reply" });
		recent.redact(2);
		expect(recent.find(2)).not.toHaveProperty("replyTo");
		expect(recent.find(2)).not.toHaveProperty("mentions");
		expect(recent.find(3)?.replyTo).toEqual({ seq: 2, user: ada, deleted: true });
	});
});
