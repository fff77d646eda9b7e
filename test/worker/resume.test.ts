import { describe, expect, it } from "vitest";
import { limits } from "../../worker/protocol";
import { api, createChat, joinToken, postMessage, seedMessages, TestSocket } from "./helpers";

describe("reconnecting with since", () => {
	it("delivers exactly the missed messages, in order, before any live one", async () => {
		const chat = await createChat();
		const alice = await joinToken(chat, "alice");
		const bob = await joinToken(chat, "bob");
		const aliceSocket = await TestSocket.open(chat.id, alice.token);
		let bobSocket = await TestSocket.open(chat.id, bob.token);
		for (const text of ["one", "two"]) aliceSocket.send({ type: "send", text });
		await bobSocket.until(() => bobSocket.messages.length === 2, "two messages");
		const lastSeen = bobSocket.messages.at(-1)?.seq ?? 0;
		bobSocket.close();

		for (const text of ["three", "four", "five"]) aliceSocket.send({ type: "send", text });
		await aliceSocket.until(() => aliceSocket.messages.length === 5, "five messages");

		bobSocket = await TestSocket.open(chat.id, bob.token, lastSeen);
		expect(bobSocket.frames[0]).toMatchObject({
			type: "ready",
			lastSeq: 5,
			replay: { since: 2, missed: 3, replayed: 3, firstSeq: 3 },
		});
		aliceSocket.send({ type: "send", text: "six" });
		await bobSocket.until(() => bobSocket.messages.length === 4, "replay and the live message");
		expect(bobSocket.messages.map((message) => [message.seq, message.text])).toEqual([
			[3, "three"],
			[4, "four"],
			[5, "five"],
			[6, "six"],
		]);
		aliceSocket.close();
		bobSocket.close();
	});

	it("replays nothing and reports nothing missed when the client is up to date", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat);
		await postMessage(chat.id, token, "seen");
		const socket = await TestSocket.open(chat.id, token, 1);
		expect(socket.frames[0]).toMatchObject({ replay: { missed: 0, replayed: 0, firstSeq: null } });
		socket.send({ type: "send", text: "next" });
		await socket.next("message");
		expect(socket.messages.map((message) => message.seq)).toEqual([2]);
		socket.close();
	});

	it("caps a huge gap at the newest replayMax messages and says where the gap starts", async () => {
		const chat = await createChat();
		const total = limits.replayMax + 150;
		await seedMessages(chat.id, total);
		const socket = await TestSocket.open(chat.id, (await joinToken(chat)).token, 50);
		await socket.until(() => socket.messages.length === limits.replayMax, "the capped replay", 10_000);
		const firstSeq = total - limits.replayMax + 1;
		expect(socket.frames[0]).toMatchObject({
			replay: { since: 50, missed: total - 50, replayed: limits.replayMax, firstSeq },
		});
		expect(socket.messages[0]?.seq).toBe(firstSeq);
		expect(socket.messages.at(-1)?.seq).toBe(total);
		// The rest of the gap is one history request away.
		const gap = await api(`/api/chats/${chat.id}/messages?after=50&before=${firstSeq}&limit=200`);
		const page = await gap.json<{ messages: Array<{ seq: number }>; hasMore: boolean }>();
		expect(page.messages[0]?.seq).toBe(51);
		expect(page.messages).toHaveLength(firstSeq - 51);
		socket.close();
	});
});
