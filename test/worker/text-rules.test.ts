import { describe, expect, it } from "vitest";
import type { ChatMessage, HistoryPage, IssuedToken } from "../../worker/protocol";
import {
	api,
	bearer,
	createChat,
	expectError,
	joinToken,
	postJson,
	postMessage,
	storedMessageCount,
	TestSocket,
} from "./helpers";

/** What text and names may hold, on every path that accepts them (docs/API.md, Limits). */

async function storedTexts(chatId: string): Promise<string[]> {
	const page = await (await api(`/api/chats/${chatId}/messages`)).json<HistoryPage>();
	return page.messages.map((message) => message.text);
}

const refusedTexts: Array<[string, string, RegExp]> = [
	["a lone high surrogate", "a\ud800b", /well-formed Unicode/],
	["a lone low surrogate", "a\udc00b", /well-formed Unicode/],
	[
		"2,700 lone surrogates (16 KB that would be stored as 8,100 characters)",
		"\ud800".repeat(2700),
		/well-formed/,
	],
	["a bell control character", "ding\u0007", /control characters/],
	["a C1 control character", "x\u0085y", /control characters/],
	["a right-to-left override", "file\u202Etxt.exe", /bidirectional overrides/],
	["a bidi isolate", "a\u2066b\u2069", /bidirectional overrides/],
];

describe("message text over HTTP", () => {
	it.each(refusedTexts)("refuses %s with 400 and stores nothing", async (_what, text, reason) => {
		const chat = await createChat();
		const { token } = await joinToken(chat);
		const response = await postJson(`/api/chats/${chat.id}/messages`, { text }, bearer(token));
		expect(await expectError(response, 400, "bad_request")).toMatch(reason);
		expect(await storedMessageCount(chat.id)).toBe(0);
	});

	it("stores CRLF and CR line breaks as LF, and counts them after that", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat);
		const posted = await postMessage(chat.id, token, "one\r\ntwo\rthree\n\tfour");
		expect(posted.status).toBe(201);
		expect(posted.body.message.text).toBe("one\ntwo\nthree\n\tfour");
		// 4,000 characters once normalised, though 5,999 as sent.
		const windows = `${"a\r\n".repeat(1999)}ab`;
		expect((await postMessage(chat.id, token, windows)).status).toBe(201);
		expect(await storedTexts(chat.id)).toEqual(["one\ntwo\nthree\n\tfour", windows.replaceAll("\r\n", "\n")]);
	});

	it("keeps well-formed astral characters (surrogate pairs) as they are", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat);
		expect((await postMessage(chat.id, token, "𝄞 and 🙂")).body.message.text).toBe("𝄞 and 🙂");
		expect(await storedTexts(chat.id)).toEqual(["𝄞 and 🙂"]);
	});
});

describe("message text over the WebSocket", () => {
	it.each(refusedTexts)(
		"answers %s with an error frame naming the clientId, keeps the socket and stores nothing",
		async (_what, text, reason) => {
			const chat = await createChat();
			const socket = await TestSocket.open(chat.id, (await joinToken(chat)).token);
			socket.send({ type: "send", text, clientId: "c-bad" });
			const error = await socket.next("error");
			expect(error).toMatchObject({ code: "bad_request", clientId: "c-bad" });
			expect(error.message).toMatch(reason);
			socket.send({ type: "send", text: "still open" });
			await socket.next("message");
			expect(await storedTexts(chat.id)).toEqual(["still open"]);
			socket.close();
		},
	);

	it("acknowledges exactly what it stores: line breaks normalised, also on a clientId retry", async () => {
		const chat = await createChat();
		const socket = await TestSocket.open(chat.id, (await joinToken(chat)).token);
		socket.send({ type: "send", text: "dos\r\nline", clientId: "c-crlf" });
		const acknowledged = (await socket.next("message")).message;
		socket.send({ type: "send", text: "dos\r\nline", clientId: "c-crlf" });
		const retried = (await socket.next("message", 1)).message;
		expect(acknowledged.text).toBe("dos\nline");
		expect(retried).toEqual(acknowledged);
		expect(await storedTexts(chat.id)).toEqual(["dos\nline"]);
		socket.close();
	});
});

describe("names", () => {
	it.each([
		["a lone surrogate", "Ada\ud800"],
		["a newline", "Ada\nLovelace"],
		["a bidi override", "\u202EadA"],
	])("refuses a user name with %s", async (_what, name) => {
		const chat = await createChat();
		await expectError(await postJson(`/api/chats/${chat.id}/tokens`, { name }), 400, "bad_request");
	});

	it.each([
		["a lone surrogate", "Lobby\udfff"],
		["a bidi isolate", "Lob\u2067by"],
	])("refuses a chat name or owner name with %s", async (_what, name) => {
		await expectError(await postJson("/api/chats", { name }), 400, "bad_request");
		await expectError(await postJson("/api/chats", { name: "ok", owner: name }), 400, "bad_request");
	});
});

describe("unknown fields", () => {
	it("are ignored in HTTP bodies: the request succeeds and they are neither stored nor echoed", async () => {
		const created = await postJson("/api/chats", { name: "Extra", colour: "red", ownerKey: "mine" });
		expect(created.status).toBe(201);
		const chat = await created.json<Record<string, unknown>>();
		expect(chat.colour).toBeUndefined();
		expect(chat.ownerKey).not.toBe("mine");
		const id = String(chat.id);
		const issued = await postJson(`/api/chats/${id}/tokens`, { name: "ada", role: "owner" });
		const { token, user } = await issued.json<IssuedToken>();
		expect(user.role).toBe("member");
		const posted = await postJson(
			`/api/chats/${id}/messages`,
			{ text: "hi", seq: 99, user: { id: "spoof", name: "root" } },
			bearer(token),
		);
		expect(posted.status).toBe(201);
		const { message } = await posted.json<{ message: ChatMessage }>();
		expect(message).toMatchObject({ seq: 1, user: { name: "ada" } });
		expect(Object.keys(message).sort()).toEqual(["id", "seq", "text", "ts", "user"]);
	});

	it("are ignored in WebSocket frames: the send goes through without them", async () => {
		const chat = await createChat();
		const socket = await TestSocket.open(chat.id, (await joinToken(chat, "ada")).token);
		socket.send({ type: "send", text: "hello", clientId: "c-1", ts: 1, user: { id: "spoof", name: "root" } });
		const { message } = await socket.next("message");
		expect(message).toMatchObject({ seq: 1, text: "hello", clientId: "c-1", user: { name: "ada" } });
		expect(message.ts).not.toBe(1);
		expect(Object.keys(message).sort()).toEqual(["clientId", "id", "seq", "text", "ts", "user"]);
		socket.close();
	});
});
