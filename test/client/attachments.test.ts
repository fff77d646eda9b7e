import { describe, expect, it } from "vitest";
import { ApiError, ChatClient } from "../../web/client/index.ts";
import { api, baseUrl, unique, until, withTimeout } from "../e2e/helpers.ts";
import { gif, png } from "../worker/images.ts";
import { clientsOfEachTest, recordMessages } from "./test-clients.ts";

/** ChatClient's uploads and what a send carries besides its text, from Node against the running app. */

const clients = clientsOfEachTest({ backoff: { baseMs: 100, maxMs: 1000 } });

describe("ChatClient with images", () => {
	it("uploads an image and sends it, with a reply and a mention, as one message everyone gets", async () => {
		const chat = await api.createChat({ name: unique("Client images") });
		const ada = await clients.join(chat.id, "ada");
		const bob = await clients.join(chat.id, "bob");
		const seen = recordMessages(bob);
		ada.send("first");
		await until(() => seen.length === 1, "the first message");
		const image = png(3, 2);
		const file = await ada.uploadFile(new Blob([image.bytes]), "image/png");
		expect(file).toMatchObject({ type: "image/png", size: image.bytes.byteLength, width: 3, height: 2 });
		const pending = ada.send("", { attachments: [file.id], replyTo: 1, mentions: [bob.user?.id ?? ""] });
		expect(pending).toMatchObject({ text: "", attachments: [file.id], replyTo: 1 });
		await until(() => seen.length === 2, "the image");
		expect(seen[1]).toMatchObject({
			text: "",
			clientId: pending.clientId,
			attachments: [file],
			replyTo: { seq: 1, text: "first" },
			mentions: [bob.user?.id],
		});
		const bytes = await api.fileBytes(chat.id, file.id);
		expect(new Uint8Array(await bytes.arrayBuffer())).toEqual(image.bytes);
		// Without text and without files there is nothing to send.
		expect(() => ada.send("  ")).toThrow(RangeError);
	});

	it("takes the image as bytes too, and reports a refused upload as an ApiError", async () => {
		const chat = await api.createChat({ name: unique("Client upload kinds") });
		const ada = await clients.join(chat.id, "ada");
		const image = gif(4, 1);
		expect((await ada.uploadFile(image.bytes, "image/gif")).width).toBe(4);
		expect((await ada.uploadFile(image.bytes.buffer, "image/gif")).height).toBe(1);
		const refused = await ada.uploadFile(image.bytes, "image/png").catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(ApiError);
		expect(refused).toMatchObject({ status: 415, code: "unsupported_media_type" });
	});

	it("sends again what a reloaded page left pending, with its attachments", async () => {
		const chat = await api.createChat({ name: unique("Client images restore") });
		const first = await clients.join(chat.id, "writer");
		const file = await first.uploadFile(png(1, 1).bytes, "image/png");
		first.pause();
		const pending = first.send("with a picture", { attachments: [file.id] });
		const saved = first.token;
		first.close();
		// What a page keeps in storage (JSON) and hands to the client after a reload.
		const stored = JSON.parse(JSON.stringify(first.pending));
		expect(stored).toEqual([pending]);
		const second = new ChatClient({
			baseUrl,
			chatId: chat.id,
			name: "writer",
			token: saved,
			pending: stored,
		});
		clients.keep(second);
		expect(second.pending).toEqual([pending]);
		await withTimeout(second.connect(), 10_000, "after the reload");
		await until(() => second.pending.length === 0, "the restored send acknowledged");
		const { messages } = await api.history(chat.id);
		expect(messages).toMatchObject([
			{ text: "with a picture", clientId: pending.clientId, attachments: [file] },
		]);
	});
});
