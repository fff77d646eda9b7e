import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../worker/protocol";
import { api, bearer, createChat, expectError, joinToken, postMessage, seedMessages } from "./helpers";

const apiKey = { "X-API-Key": "test-api-key-one" };

async function exportOf(chatId: string, format: string, headers: Record<string, string> = {}) {
	return api(`/api/chats/${chatId}/export?format=${format}`, { headers });
}

describe("history export", () => {
	it("streams all 100,000 messages of a long log as NDJSON, in order", async () => {
		const chat = await createChat();
		await seedMessages(chat.id, 100_000);
		const response = await exportOf(chat.id, "ndjson");
		expect(response.status).toBe(200);
		expect(response.headers.get("Content-Disposition")).toBe(
			`attachment; filename="edgechat-${chat.id}.ndjson"`,
		);
		expect(response.headers.get("Content-Type")).toContain("application/x-ndjson");
		const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
		if (!reader) throw new Error("no body");
		let count = 0;
		let expected = 1;
		let rest = "";
		for (;;) {
			const { value, done } = await reader.read();
			if (done) break;
			const lines = (rest + value).split("\n");
			rest = lines.pop() ?? "";
			for (const line of lines) {
				const message = JSON.parse(line) as ChatMessage;
				expect(message.seq).toBe(expected);
				expected += 1;
				count += 1;
			}
		}
		expect(rest).toBe("");
		expect(count).toBe(100_000);
	}, 120_000);

	it("exports deleted messages as deleted, without their text, in every format", async () => {
		const chat = await createChat();
		const owner = await joinToken(chat, "ada", chat.ownerKey);
		await postMessage(chat.id, owner.token, "kept\nsecond line");
		await postMessage(chat.id, owner.token, "secret");
		await api(`/api/chats/${chat.id}/messages/2`, { method: "DELETE", headers: bearer(owner.token) });

		const json = await (await exportOf(chat.id, "json")).json<{
			chat: { id: string };
			messages: unknown[];
		}>();
		expect(json.chat.id).toBe(chat.id);
		expect(json.messages).toHaveLength(2);
		expect(json.messages[1]).toMatchObject({ seq: 2, deleted: true, user: { name: "ada" } });
		expect(json.messages[1]).not.toHaveProperty("text");

		const ndjson = await (await exportOf(chat.id, "ndjson")).text();
		expect(ndjson).not.toContain("secret");
		expect(
			ndjson
				.trim()
				.split("\n")
				.map((line) => JSON.parse(line).seq),
		).toEqual([1, 2]);

		const text = await (await exportOf(chat.id, "txt")).text();
		expect(text).toContain("ada: kept\n    second line\n");
		expect(text).toContain("ada: [deleted]\n");
		expect(text).not.toContain("secret");
	});

	it("indents every later line of a long message in a text export, so each entry stays one block", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat, "ada");
		await postMessage(chat.id, token, "first line\nsecond line\nthird line\nfourth line");
		await postMessage(chat.id, token, "next entry");
		const text = await (await exportOf(chat.id, "txt")).text();
		const entries = text.split("\n").slice(2, -1);
		expect(entries.map((line) => line.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /, "<time> "))).toEqual([
			"<time> ada: first line",
			"    second line",
			"    third line",
			"    fourth line",
			"<time> ada: next entry",
		]);
	});

	it("exports an empty chat as a valid, empty document", async () => {
		const chat = await createChat();
		const json = await (await exportOf(chat.id, "json")).json<{ messages: unknown[] }>();
		expect(json.messages).toEqual([]);
		expect(await (await exportOf(chat.id, "ndjson")).text()).toBe("");
	});

	it("lets in whoever may read the history of a private chat, and no one else", async () => {
		const chat = await createChat({ visibility: "private" });
		const member = await joinToken(chat, "bea");
		await postMessage(chat.id, member.token, "private words");
		await expectError(await exportOf(chat.id, "ndjson"), 404, "not_found");
		for (const headers of [bearer(member.token), apiKey, { "X-Chat-Key": chat.inviteKey ?? "" }]) {
			const response = await exportOf(chat.id, "ndjson", headers);
			expect(response.status).toBe(200);
			expect(await response.text()).toContain("private words");
		}
	});

	it("refuses an unknown format", async () => {
		const chat = await createChat();
		await expectError(await exportOf(chat.id, "xml"), 400, "bad_request");
	});
});
