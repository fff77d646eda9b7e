import { describe, expect, it } from "vitest";
import type { HistoryPage } from "../../worker/protocol";
import { call, createChat, TestSocket } from "../worker/helpers";
import { captureLogs } from "../worker/log-capture";
import { onObjectsOfTheirOwn } from "./spread-users";

// This file runs with ROOM_SHARD_CAPACITY=1 (vitest.spread.config.ts): the first socket of a
// chat fills its root, and every further one goes to a shard of its own.
const logs = captureLogs();

async function search(chatId: string, token: string, q: string): Promise<HistoryPage> {
	const response = await call("GET", `/api/chats/${chatId}/search?q=${encodeURIComponent(q)}`, token);
	expect(response.status).toBe(200);
	return response.json<HistoryPage>();
}

describe("replies and search in a spread chat", () => {
	it("carry a reply sent on a shard to every object with its quote, find it, and show its original's deletion after a resume on a shard", async () => {
		const chat = await createChat();
		const { users, sockets } = await onObjectsOfTheirOwn(chat, ["ada", "bob", "cy"]);
		const [ada, bob, cy] = users;
		const [adaSocket, bobSocket, cySocket] = sockets;
		if (!ada || !bob || !cy || !adaSocket || !bobSocket || !cySocket) throw new Error("unreachable");

		adaSocket.send({ type: "send", text: "When is the tide highest?", clientId: "question" });
		for (const socket of sockets) await socket.until(() => socket.messages.length === 1, "the question");
		bobSocket.send({ type: "send", text: "At noon, says the harbour", clientId: "answer", replyTo: 1 });
		const quote = { seq: 1, user: { id: ada.user.id, name: "ada" }, text: "When is the tide highest?" };
		for (const socket of sockets) {
			await socket.until(() => socket.messages.length === 2, "the reply on every object");
			expect(socket.messages[1]).toMatchObject({ seq: 2, clientId: "answer", replyTo: quote });
		}
		// Refused where the log is (the root), answered on the shard with the send's clientId.
		bobSocket.send({ type: "send", text: "to nothing", clientId: "stray", replyTo: 99 });
		expect(await bobSocket.next("error")).toMatchObject({ code: "bad_request", clientId: "stray" });

		// What a socket on a shard sent is found like any other message, with its quote.
		const found = await search(chat.id, cy.token, "harb");
		expect(found.messages).toEqual([expect.objectContaining({ seq: 2, replyTo: quote })]);

		adaSocket.send({ type: "delete", seq: 1 });
		for (const socket of sockets) await socket.next("deleted");
		expect((await search(chat.id, cy.token, "tide")).messages).toEqual([]);
		const gone = { seq: 1, user: { id: ada.user.id, name: "ada" }, deleted: true };
		expect((await search(chat.id, cy.token, "harbour")).messages[0]?.replyTo).toEqual(gone);

		// A resume on a shard replays the reply from the shard's copy of the newest messages, its
		// quote as it is now.
		cySocket.close();
		const resumed = await TestSocket.open(chat.id, cy.token, 0);
		await resumed.until(() => resumed.messages.length === 2, "the replay");
		expect(resumed.messages[0]).toMatchObject({ seq: 1, deleted: true, text: "" });
		expect(resumed.messages[1]).toMatchObject({ seq: 2, text: "At noon, says the harbour" });
		expect(resumed.messages[1]?.replyTo).toEqual(gone);
		await logs.closeAll([adaSocket, bobSocket, resumed]);
	});
});
