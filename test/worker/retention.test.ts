import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { MessageReactions } from "../../worker/protocol";
import {
	api,
	call,
	createChat,
	joinToken,
	postMessage,
	roomStub,
	seedMessages,
	sleep,
	storedMessageCount,
	TestSocket,
	until,
} from "./helpers";
import { png } from "./images";
import { download, uploaded } from "./uploads";

const retention = 300; // MESSAGE_RETENTION in vitest.config.ts

describe("history=false chats", () => {
	it("relay messages live with increasing seq and store nothing at all", async () => {
		const chat = await createChat({ history: false });
		const alice = await joinToken(chat, "alice");
		const socket = await TestSocket.open(chat.id, alice.token);
		socket.send({ type: "send", text: "over the socket", clientId: "relay-1" });
		expect((await postMessage(chat.id, alice.token, "over HTTP")).status).toBe(201);
		await socket.until(() => socket.messages.length === 2, "both messages");
		expect(socket.messages.map((message) => message.seq)).toEqual([1, 2]);
		expect(await storedMessageCount(chat.id)).toBe(0);
		const history = await api(`/api/chats/${chat.id}/messages`);
		expect(await history.json()).toEqual({ messages: [], hasMore: false });
		socket.close();
	});

	it("go on counting after the object is evicted and woken: no seq is handed out twice", async () => {
		const chat = await createChat({ history: false });
		const { token } = await joinToken(chat);
		for (const text of ["one", "two", "three"])
			expect((await postMessage(chat.id, token, text)).status).toBe(201);
		await evictDurableObject(roomStub(chat.id));
		const after = await postMessage(chat.id, token, "after the nap");
		expect(after.status).toBe(201);
		expect(after.body.message.seq).toBe(4);
		const socket = await TestSocket.open(chat.id, token);
		expect((await socket.next("ready")).lastSeq).toBe(4);
		socket.close();
	});

	it("still recognise a retried clientId", async () => {
		const chat = await createChat({ history: false });
		const { token } = await joinToken(chat);
		const socket = await TestSocket.open(chat.id, token);
		const first = await postMessage(chat.id, token, "hello", "r-1");
		const again = await postMessage(chat.id, token, "hello", "r-1");
		expect(again.status).toBe(200);
		expect(again.body.message).toEqual(first.body.message);
		await sleep(30);
		expect(socket.messages).toHaveLength(1);
		socket.close();
	});

	it("relay another user's message that happens to reuse a clientId, over both paths", async () => {
		const chat = await createChat({ history: false });
		const alice = await joinToken(chat, "alice");
		const bob = await joinToken(chat, "bob");
		const aliceSocket = await TestSocket.open(chat.id, alice.token);
		const bobSocket = await TestSocket.open(chat.id, bob.token);
		// Client ids are only unique per user: two clients may well both count from "c-1".
		aliceSocket.send({ type: "send", text: "alice's", clientId: "c-1" });
		await bobSocket.next("message");
		bobSocket.send({ type: "send", text: "bob's", clientId: "c-1" });
		await aliceSocket.until(() => aliceSocket.messages.length === 2, "bob's message at alice");
		const posted = await postMessage(chat.id, bob.token, "bob's again", "c-2");
		const reused = await postMessage(chat.id, alice.token, "alice's again", "c-2");
		expect(posted.status).toBe(201);
		expect(reused.status).toBe(201);
		expect(reused.body.message).toMatchObject({ seq: 4, text: "alice's again", user: { name: "alice" } });
		await bobSocket.until(() => bobSocket.messages.length === 4, "all four at bob");
		expect(bobSocket.messages.map((message) => [message.user.name, message.text, message.clientId])).toEqual([
			["alice", "alice's", "c-1"],
			["bob", "bob's", "c-1"],
			["bob", "bob's again", "c-2"],
			["alice", "alice's again", "c-2"],
		]);
		aliceSocket.close();
		bobSocket.close();
	});
});

describe("retention", () => {
	it("trims the log to the newest MESSAGE_RETENTION messages in the background", async () => {
		const chat = await createChat();
		await seedMessages(chat.id, retention + 100);
		const { token } = await joinToken(chat);
		expect((await postMessage(chat.id, token, "tips it over")).status).toBe(201);
		for (let attempt = 0; attempt < 100 && (await storedMessageCount(chat.id)) > retention; attempt++)
			await sleep(20);
		expect(await storedMessageCount(chat.id)).toBe(retention);
		const oldest = await api(`/api/chats/${chat.id}/messages?after=0&limit=1`);
		const page = await oldest.json<{ messages: Array<{ seq: number }> }>();
		// 401 messages in all, the newest 300 kept: 102..401.
		expect(page.messages[0]?.seq).toBe(102);
	});

	it("keeps the reactions of the oldest message it keeps, so the next reaction adds to them", async () => {
		const chat = await createChat();
		await seedMessages(chat.id, retention + 100);
		// 401 messages once the last one is posted: the newest 300 kept are 102..401.
		const boundary = 102;
		const reactors = await Promise.all(
			["ada", "bob", "cy"].map(async (name) => (await joinToken(chat, name)).token),
		);
		const react = async (token: string) => {
			const response = await call(
				"PUT",
				`/api/chats/${chat.id}/messages/${boundary}/reactions/%F0%9F%91%8D`,
				token,
			);
			expect(response.status).toBe(200);
			return (await response.json<MessageReactions>()).reactions;
		};
		await react(reactors[0] ?? "");
		expect(await react(reactors[1] ?? "")).toEqual([{ emoji: "👍", count: 2 }]);
		expect((await postMessage(chat.id, reactors[0] ?? "", "tips it over")).status).toBe(201);
		await until(async () => (await storedMessageCount(chat.id)) === retention, "the trim");
		const oldest = await api(`/api/chats/${chat.id}/messages?after=0&limit=1`);
		expect((await oldest.json<{ messages: Array<{ seq: number }> }>()).messages[0]?.seq).toBe(boundary);
		expect(await react(reactors[2] ?? "")).toEqual([{ emoji: "👍", count: 3 }]);
	});

	it("deletes the files of the messages it trims, and keeps those of the messages it keeps", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat);
		const old = await uploaded(chat.id, token, png(1, 1));
		const kept = await uploaded(chat.id, token, png(2, 2));
		expect(
			(await call("POST", `/api/chats/${chat.id}/messages`, token, { text: "", attachments: [old.id] }))
				.status,
		).toBe(201);
		await seedMessages(chat.id, retention + 100);
		const tip = await call("POST", `/api/chats/${chat.id}/messages`, token, {
			text: "",
			attachments: [kept.id],
		});
		expect(tip.status).toBe(201);
		await until(async () => (await storedMessageCount(chat.id)) === retention, "the trim");
		await until(
			async () => (await download(chat.id, old.id)).status === 404,
			"the trimmed message's file deleted",
		);
		expect((await download(chat.id, kept.id)).status).toBe(200);
	});
});
