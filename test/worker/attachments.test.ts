import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ChatMessage, FileInfo, HistoryPage } from "../../worker/protocol";
import type { ChatRoom } from "../../worker/room/chat-room";
import { RecentMessages } from "../../worker/sequencer/recent-messages";
import {
	api,
	createChat,
	expectError,
	joinToken,
	postBody,
	posted,
	postJson,
	roomStub,
	TestSocket,
} from "./helpers";
import { gif, jpeg, png, webpLossy } from "./images";
import { download, upload, uploaded } from "./uploads";

const apiKey = { "X-API-Key": "test-api-key-one" };

async function history(chatId: string): Promise<ChatMessage[]> {
	return (await (await api(`/api/chats/${chatId}/messages`)).json<HistoryPage>()).messages;
}

/** What R2 holds under the chat's prefix. */
async function storedKeys(chatId: string): Promise<string[]> {
	return (await env.FILES.list({ prefix: `chats/${chatId}/` })).objects.map((object) => object.key);
}

describe("attachments", () => {
	it("go with a message over HTTP, in the order given, into history, and to every socket", async () => {
		const chat = await createChat();
		const ada = await joinToken(chat, "ada");
		const bob = await joinToken(chat, "bob");
		const bobSocket = await TestSocket.open(chat.id, bob.token);
		const files = [await uploaded(chat.id, ada.token, jpeg()), await uploaded(chat.id, ada.token, png(3, 2))];
		const message = await posted(
			await postBody(chat.id, ada.token, { text: "look", attachments: files.map((file) => file.id) }),
		);
		expect(message.attachments).toEqual(files);
		expect((await history(chat.id))[0]?.attachments).toEqual(files);
		await bobSocket.until(() => bobSocket.messages.length === 1, "the message");
		expect(bobSocket.messages[0]?.attachments).toEqual(files);
		const plain = await posted(await postBody(chat.id, ada.token, { text: "no files" }));
		expect(plain).not.toHaveProperty("attachments");
		bobSocket.close();
	});

	it("go over the socket, with empty text; empty text without them is refused on both paths", async () => {
		const chat = await createChat();
		const ada = await joinToken(chat, "ada");
		const socket = await TestSocket.open(chat.id, ada.token);
		const file = await uploaded(chat.id, ada.token, gif(5, 3));
		socket.send({ type: "send", text: "  ", clientId: "pic-1", attachments: [file.id] });
		await socket.until(() => socket.messages.length === 1, "the echo");
		expect(socket.messages[0]).toMatchObject({ text: "", clientId: "pic-1", attachments: [file] });
		socket.send({ type: "send", text: " ", clientId: "empty-1" });
		expect(await socket.next("error")).toMatchObject({
			code: "bad_request",
			clientId: "empty-1",
			message: "text: text must not be empty (unless the message carries attachments)",
		});
		socket.send({ type: "send", text: "", clientId: "empty-2", attachments: [] });
		expect(await socket.next("error", 1)).toMatchObject({ code: "bad_request", clientId: "empty-2" });
		await expectError(await postBody(chat.id, ada.token, { text: "" }), 400, "bad_request");
		await expectError(await postBody(chat.id, ada.token, { text: "", attachments: [] }), 400, "bad_request");
		const second = await uploaded(chat.id, ada.token, png(2, 2));
		expect(
			(await posted(await postBody(chat.id, ada.token, { text: "", attachments: [second.id] }))).text,
		).toBe("");
		socket.close();
	});

	it("must each be the sender's own upload to this chat, not yet attached, and at most 4", async () => {
		const chat = await createChat();
		const other = await createChat();
		const ada = await joinToken(chat, "ada");
		const bob = await joinToken(chat, "bob");
		const elsewhere = await joinToken(other, "ada elsewhere");
		const bobs = await uploaded(chat.id, bob.token, png(1, 1));
		const otherChats = await uploaded(other.id, elsewhere.token, png(1, 1));
		const mine = await Promise.all([1, 2, 3, 4, 5].map(() => uploaded(chat.id, ada.token, png(1, 1))));
		const ids = mine.map((file) => file.id);
		const refusal = async (attachments: string[]) =>
			expectError(await postBody(chat.id, ada.token, { text: "x", attachments }), 400, "bad_request");
		expect(await refusal([ids[0] ?? "", bobs.id])).toBe(
			`attachments: file ${bobs.id} was uploaded by someone else`,
		);
		expect(await refusal([otherChats.id])).toMatch(
			new RegExp(`^attachments: no file ${otherChats.id} was uploaded`),
		);
		expect(await refusal(["fAAAAAAAAAAAAAAAAAAAAAAAA"])).toMatch(/^attachments: no file/);
		expect(await refusal(["not-an-id"])).toMatch(/^attachments\.0: not a file id/);
		expect(await refusal(ids)).toMatch(/^attachments: must be at most 4/);
		// Nothing refused was attached: the same files go with the next message.
		const message = await posted(
			await postBody(chat.id, ada.token, { text: "four", attachments: ids.slice(0, 4) }),
		);
		expect(message.attachments?.map((file) => file.id)).toEqual(ids.slice(0, 4));
		expect(await refusal([ids[0] ?? ""])).toBe(
			`attachments: file ${ids[0]} is already attached to message 1`,
		);
		// A repeat counts once.
		const twice = await posted(
			await postBody(chat.id, ada.token, { text: "x", attachments: [ids[4], ids[4]] }),
		);
		expect(twice.attachments?.map((file) => file.id)).toEqual([ids[4]]);
		// Over the socket: an error frame naming the send.
		const socket = await TestSocket.open(chat.id, ada.token);
		socket.send({ type: "send", text: "x", clientId: "theirs", attachments: [bobs.id] });
		expect(await socket.next("error")).toMatchObject({ code: "bad_request", clientId: "theirs" });
		socket.send({ type: "send", text: "x", clientId: "five", attachments: ids });
		expect(await socket.next("error", 1)).toMatchObject({ code: "bad_request", clientId: "five" });
		socket.close();
		expect(await history(chat.id)).toHaveLength(2);
	});

	it("uploaded with an API key go only with messages posted with it", async () => {
		const chat = await createChat();
		const ada = await joinToken(chat, "ada");
		const response = await upload(chat.id, null, webpLossy(), apiKey);
		const { file } = await response.json<{ file: FileInfo }>();
		await expectError(
			await postBody(chat.id, ada.token, { text: "x", attachments: [file.id] }),
			400,
			"bad_request",
		);
		const bot = { id: "bot.pictures", name: "Pictures" };
		const sent = await postJson(
			`/api/chats/${chat.id}/messages`,
			{ text: "", attachments: [file.id], user: bot },
			apiKey,
		);
		expect((await posted(sent)).attachments).toEqual([file]);
	});

	it("are carried in resumes, exports and webhook events", async () => {
		const chat = await createChat();
		const hook = await api(`/api/chats/${chat.id}/webhook`, {
			method: "PUT",
			headers: { "Content-Type": "application/json", ...apiKey },
			body: JSON.stringify({ url: "http://127.0.0.1:1/hook", events: ["message.created"] }),
		});
		expect(hook.ok).toBe(true);
		const ada = await joinToken(chat, "ada");
		const file = await uploaded(chat.id, ada.token, png(640, 480));
		await posted(await postBody(chat.id, ada.token, { text: "hi", attachments: [file.id] }));
		const resumed = await TestSocket.open(chat.id, ada.token, 0);
		await resumed.until(() => resumed.messages.length === 1, "the replay");
		expect(resumed.messages[0]?.attachments).toEqual([file]);
		resumed.close();
		const ndjson = await (await api(`/api/chats/${chat.id}/export?format=ndjson`)).text();
		expect(JSON.parse(ndjson.trim()).attachments).toEqual([file]);
		const text = await (await api(`/api/chats/${chat.id}/export?format=txt`)).text();
		expect(text).toContain("ada: hi [image/png 640x480]");
		const events = await runInDurableObject(roomStub(chat.id), (_room: ChatRoom, state) =>
			state.storage.sql
				.exec<{ body: string }>("SELECT body FROM webhook_outbox ORDER BY n")
				.toArray()
				.map((row) => JSON.parse(row.body)),
		);
		expect(events[0]).toMatchObject({ type: "message.created", data: { message: { attachments: [file] } } });
	});
});

describe("a file's life", () => {
	it("ends with its message's deletion: 404 from then on, and the message carries it no more", async () => {
		const chat = await createChat();
		const ada = await joinToken(chat, "ada");
		const kept = await uploaded(chat.id, ada.token, png(1, 1));
		const file = await uploaded(chat.id, ada.token, png(2, 1));
		await posted(await postBody(chat.id, ada.token, { text: "keep", attachments: [kept.id] }));
		await posted(await postBody(chat.id, ada.token, { text: "oops", attachments: [file.id] }));
		expect((await download(chat.id, file.id)).status).toBe(200);
		const deleted = await api(`/api/chats/${chat.id}/messages/2`, {
			method: "DELETE",
			headers: { Authorization: `Bearer ${ada.token}` },
		});
		expect(deleted.status).toBe(204);
		await expectError(await download(chat.id, file.id), 404, "not_found");
		expect(await storedKeys(chat.id)).toEqual([`chats/${chat.id}/${kept.id}`]);
		const [first, second] = await history(chat.id);
		expect(second).toMatchObject({ seq: 2, deleted: true });
		expect(second).not.toHaveProperty("attachments");
		expect(first?.attachments).toEqual([kept]);
		expect((await download(chat.id, kept.id)).status).toBe(200);
	});

	it("ends with the chat's deletion, attached or not", async () => {
		const chat = await createChat();
		const owner = await joinToken(chat, "owner", chat.ownerKey);
		const attached = await uploaded(chat.id, owner.token, png(1, 1));
		const loose = await uploaded(chat.id, owner.token, png(1, 1));
		await posted(await postBody(chat.id, owner.token, { text: "x", attachments: [attached.id] }));
		expect(await storedKeys(chat.id)).toHaveLength(2);
		expect(
			(
				await api(`/api/chats/${chat.id}`, {
					method: "DELETE",
					headers: { Authorization: `Bearer ${owner.token}` },
				})
			).status,
		).toBe(204);
		for (const file of [attached, loose])
			await expectError(await download(chat.id, file.id), 404, "not_found");
		expect(await storedKeys(chat.id)).toEqual([]);
	});

	it("ends an hour after its upload when no message took it, at the room's alarm", async () => {
		const chat = await createChat();
		const ada = await joinToken(chat, "ada");
		const loose = await uploaded(chat.id, ada.token, png(1, 1));
		const attached = await uploaded(chat.id, ada.token, png(1, 1));
		await posted(await postBody(chat.id, ada.token, { text: "x", attachments: [attached.id] }));
		await passTime(chat.id, 60 * 60 * 1000 + 1);
		// Uploaded just now: not yet due.
		const fresh = await uploaded(chat.id, ada.token, png(1, 1));
		expect(await runDurableObjectAlarm(roomStub(chat.id))).toBe(true);
		await expectError(await download(chat.id, loose.id), 404, "not_found");
		expect((await download(chat.id, attached.id)).status).toBe(200);
		expect((await download(chat.id, fresh.id)).status).toBe(200);
		await expectError(
			await postBody(chat.id, ada.token, { text: "late", attachments: [loose.id] }),
			400,
			"bad_request",
		);
		expect(await uploadRows(chat.id)).toEqual([attached.id, fresh.id].sort());
	});

	it("in a chat that stores nothing, ends an hour after its upload all the same", async () => {
		const chat = await createChat({ history: false });
		const ada = await joinToken(chat, "ada");
		const file = await uploaded(chat.id, ada.token, png(1, 1));
		const message = await posted(
			await postBody(chat.id, ada.token, { text: "live only", attachments: [file.id] }),
		);
		expect(message.attachments).toEqual([file]);
		expect((await download(chat.id, file.id)).status).toBe(200);
		await passTime(chat.id, 60 * 60 * 1000 + 1);
		expect(await runDurableObjectAlarm(roomStub(chat.id))).toBe(true);
		await expectError(await download(chat.id, file.id), 404, "not_found");
	});
});

describe("the newest messages held in memory (what shards resume from)", () => {
	it("lose a deleted message's attachments", () => {
		const recent = new RecentMessages(10);
		const ada = { id: "uada000000000000", name: "ada" };
		const file: FileInfo = {
			id: "fAAAAAAAAAAAAAAAAAAAAAAAA",
			type: "image/png",
			size: 9,
			width: 1,
			height: 1,
		};
		recent.reset(0, [], 0);
		recent.add({ seq: 1, id: "m1", user: ada, text: "", ts: 1, attachments: [file] });
		expect(recent.find(1)?.attachments).toEqual([file]);
		recent.redact(1);
		expect(recent.find(1)).toEqual({ seq: 1, id: "m1", user: ada, text: "", ts: 1, deleted: true });
	});
});

/** The room's uploads as if `ms` had passed since each was made (the alarm's sweep reads these times). */
async function passTime(chatId: string, ms: number): Promise<void> {
	await runInDurableObject(roomStub(chatId), (_room: ChatRoom, state) => {
		state.storage.sql.exec("UPDATE uploads SET uploaded_at = uploaded_at - ?, due_at = due_at - ?", ms, ms);
	});
}

function uploadRows(chatId: string): Promise<string[]> {
	return runInDurableObject(roomStub(chatId), (_room: ChatRoom, state) =>
		state.storage.sql
			.exec<{ id: string }>("SELECT id FROM uploads ORDER BY id")
			.toArray()
			.map((row) => row.id),
	);
}
