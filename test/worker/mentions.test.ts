import { describe, expect, it } from "vitest";
import type { HistoryPage } from "../../worker/protocol";
import { api, createChat, expectError, joinToken, postBody, posted, postJson, TestSocket } from "./helpers";

const apiKey = { "X-API-Key": "test-api-key-one" };

describe("mentions", () => {
	it("keep the users of the chat in the order given, without repeats, and drop anyone else", async () => {
		const chat = await createChat();
		const ada = await joinToken(chat, "ada");
		const bob = await joinToken(chat, "bob");
		const outsider = await joinToken(await createChat(), "eve");
		const message = await posted(
			await postBody(chat.id, ada.token, {
				text: "@bob @ada hello",
				mentions: [bob.user.id, "unone00000000000", outsider.user.id, ada.user.id, bob.user.id],
			}),
		);
		expect(message.mentions).toEqual([bob.user.id, ada.user.id]);
		const history = await (await api(`/api/chats/${chat.id}/messages`)).json<HistoryPage>();
		expect(history.messages[0]?.mentions).toEqual([bob.user.id, ada.user.id]);
		// None left, none carried.
		const none = await posted(
			await postBody(chat.id, ada.token, { text: "hm", mentions: ["unone00000000000"] }),
		);
		expect(none).not.toHaveProperty("mentions");
	});

	it("count a backend's users, who got their token with an API key, as users of the chat", async () => {
		const chat = await createChat();
		const issued = await postJson(
			`/api/chats/${chat.id}/tokens`,
			{ user: { id: "acct:42", name: "Site user" } },
			apiKey,
		);
		expect(issued.status).toBe(201);
		const ada = await joinToken(chat, "ada");
		const message = await posted(await postBody(chat.id, ada.token, { text: "hi", mentions: ["acct:42"] }));
		expect(message.mentions).toEqual(["acct:42"]);
	});

	it("reach every socket with the message, and go over the socket too", async () => {
		const chat = await createChat();
		const ada = await joinToken(chat, "ada");
		const bob = await joinToken(chat, "bob");
		const adaSocket = await TestSocket.open(chat.id, ada.token);
		const bobSocket = await TestSocket.open(chat.id, bob.token);
		adaSocket.send({ type: "send", text: "@bob look", clientId: "m-1", mentions: [bob.user.id] });
		await bobSocket.until(() => bobSocket.messages.length === 1, "the message");
		expect(bobSocket.messages[0]).toMatchObject({ text: "@bob look", mentions: [bob.user.id] });
		await adaSocket.until(() => adaSocket.messages.length === 1, "the echo");
		expect(adaSocket.messages[0]?.mentions).toEqual([bob.user.id]);
		adaSocket.close();
		bobSocket.close();
	});

	it("name a user who got a token a moment ago, wherever the chat admitted it", async () => {
		const chat = await createChat();
		const ada = await joinToken(chat, "ada");
		const sockets = [
			await TestSocket.open(chat.id, ada.token),
			await TestSocket.open(chat.id, (await joinToken(chat, "sam")).token),
		];
		// In a spread chat this token comes from a shard, which reports its new users a little later.
		const newcomer = await joinToken(chat, "newcomer");
		const message = await posted(
			await postBody(chat.id, ada.token, { text: "welcome", mentions: [newcomer.user.id] }),
		);
		expect(message.mentions).toEqual([newcomer.user.id]);
		for (const socket of sockets) socket.close();
	});

	it("more than 20, or ids that cannot be ids, are refused with bad_request over HTTP and the socket", async () => {
		const chat = await createChat();
		const ada = await joinToken(chat, "ada");
		const many = Array.from({ length: 21 }, (_, index) => `user${index}`);
		expect(
			await expectError(
				await postBody(chat.id, ada.token, { text: "x", mentions: many }),
				400,
				"bad_request",
			),
		).toMatch(/^mentions: must be at most 20/);
		expect((await postBody(chat.id, ada.token, { text: "x", mentions: many.slice(0, 20) })).status).toBe(201);
		await expectError(
			await postBody(chat.id, ada.token, { text: "x", mentions: ["has space"] }),
			400,
			"bad_request",
		);
		await expectError(await postBody(chat.id, ada.token, { text: "x", mentions: [42] }), 400, "bad_request");
		await expectError(await postBody(chat.id, ada.token, { text: "x", mentions: "ada" }), 400, "bad_request");
		const socket = await TestSocket.open(chat.id, ada.token);
		socket.send({ type: "send", text: "x", clientId: "too-many", mentions: many });
		expect(await socket.next("error")).toMatchObject({ code: "bad_request" });
		socket.close();
	});
});
