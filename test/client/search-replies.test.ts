import { describe, expect, it } from "vitest";
import type { ChatClient, QuoteChange } from "../../web/client/index.ts";
import type { ChatMessage } from "../../worker/protocol/index.ts";
import { api, unique, until } from "../e2e/helpers.ts";
import { clientsOfEachTest, recordMessages } from "./test-clients.ts";

/** ChatClient's searches, context and replies, from Node against the real app. */

const clients = clientsOfEachTest();

/** Sends each text in turn, waiting for its echo; returns the stored messages. */
async function say(client: ChatClient, ...texts: string[]): Promise<ChatMessage[]> {
	const stored: ChatMessage[] = [];
	const off = client.on("message", ({ message, own }) => {
		if (own) stored.push(message);
	});
	for (const text of texts) {
		client.send(text);
		await until(() => client.pending.length === 0 && stored.at(-1)?.text === text, `the echo of ${text}`);
	}
	off();
	return stored;
}

describe("ChatClient: search, context and replies", () => {
	it("searches newest first with the client's token, pages older results with before, and delivers none as messages", async () => {
		const chat = await api.createChat({ name: unique("Client search"), visibility: "private" });
		const writer = await clients.join(chat.id, "writer", { key: chat.inviteKey });
		await say(writer, "Crème brûlée tonight?", "nothing to see", "the creme was great", "CRÈME again");
		const reader = await clients.join(chat.id, "reader", { key: chat.inviteKey });
		const delivered = recordMessages(reader);

		// A private chat: the search goes with the reader's token (without it the chat is not there).
		const first = await reader.search("creme", { limit: 2 });
		expect(first.messages.map((message) => message.text)).toEqual(["CRÈME again", "the creme was great"]);
		expect(first.hasMore).toBe(true);
		const older = await reader.search("creme", { before: first.messages.at(-1)?.seq, limit: 2 });
		expect(older.messages.map((message) => message.text)).toEqual(["Crème brûlée tonight?"]);
		expect(older.hasMore).toBe(false);
		// The last word is also a prefix, as the person types it.
		expect((await reader.search("brû")).messages.map((message) => message.seq)).toEqual([1]);
		expect(delivered).toEqual([]);
		await expect(api.search(chat.id, "creme")).rejects.toMatchObject({ status: 404 });
	});

	it("loads the messages around a seq, oldest first, without delivering them", async () => {
		const chat = await api.createChat({ name: unique("Client around") });
		const writer = await clients.join(chat.id, "writer");
		const texts = Array.from({ length: 12 }, (_, index) => `line ${index + 1}`);
		await say(writer, ...texts);
		const reader = await clients.join(chat.id, "reader");
		const delivered = recordMessages(reader);

		const around = await reader.messagesAround(6, 3);
		expect(around.map((message) => message.seq)).toEqual([3, 4, 5, 6, 7, 8, 9]);
		expect(around.map((message) => message.text)).toEqual(texts.slice(2, 9));
		// At the ends of the log, what there is.
		expect((await reader.messagesAround(1, 3)).map((message) => message.seq)).toEqual([1, 2, 3, 4]);
		expect((await reader.messagesAround(12, 3)).map((message) => message.seq)).toEqual([9, 10, 11, 12]);
		expect(delivered).toEqual([]);
	});

	it("sends a reply with replyTo: the echo and everyone's copy carry the quote", async () => {
		const chat = await api.createChat({ name: unique("Client reply") });
		const ada = await clients.join(chat.id, "Ada");
		const bob = await clients.join(chat.id, "Bob");
		const bobSees = recordMessages(bob);
		const [question] = await say(ada, "lunch at noon?");
		if (!question) throw new Error("no question");

		const pending = bob.send("yes, at the usual place", { replyTo: question.seq });
		expect(pending).toMatchObject({ text: "yes, at the usual place", replyTo: question.seq });
		expect(bob.pending).toEqual([pending]);
		await until(() => bobSees.some((message) => message.text === "yes, at the usual place"), "the reply");
		const quote = { seq: question.seq, user: { id: ada.user?.id, name: "Ada" }, text: "lunch at noon?" };
		expect(bobSees.at(-1)?.replyTo).toEqual(quote);
		expect((await api.history(chat.id)).messages.at(-1)?.replyTo).toEqual(quote);
	});

	it("sends a reply left unsent by an earlier page with its replyTo, under its own clientId", async () => {
		const chat = await api.createChat({ name: unique("Client reply reload") });
		const ada = await clients.join(chat.id, "Ada");
		const [question] = await say(ada, "who brings the cake?");
		if (!question) throw new Error("no question");
		const left = { clientId: "reload-reply-1", text: "I do", createdAt: Date.now(), replyTo: question.seq };

		const bob = await clients.join(chat.id, "Bob", { pending: [left] });
		await until(() => bob.pending.length === 0, "the restored reply acknowledged");
		const stored = (await api.history(chat.id)).messages.at(-1);
		expect(stored).toMatchObject({ text: "I do", clientId: "reload-reply-1" });
		expect(stored?.replyTo).toMatchObject({ seq: question.seq, text: "who brings the cake?" });
	});

	it("turns the quotes of the replies it holds into deleted ones when the original is deleted", async () => {
		const chat = await api.createChat({ name: unique("Client quote deleted") });
		const ada = await clients.join(chat.id, "Ada");
		const bob = await clients.join(chat.id, "Bob");
		const [original, other] = await say(ada, "the plan is on the wiki", "another thing");
		if (!original || !other) throw new Error("no originals");
		const replies = [
			bob.send("answer one", { replyTo: original.seq }),
			bob.send("answer two", { replyTo: original.seq }),
			bob.send("about the other", { replyTo: other.seq }),
		];
		await until(() => bob.pending.length === 0, "the replies acknowledged");
		const stored = (await api.history(chat.id)).messages;
		const replySeqs = replies.map(
			(pending) => stored.find((message) => message.clientId === pending.clientId)?.seq,
		);

		// Carol joins after: she has the replies only from a search, and from the messages around one.
		const carol = await clients.join(chat.id, "Carol");
		expect((await carol.search("answer")).messages.length).toBe(2);
		const dave = await clients.join(chat.id, "Dave");
		await dave.messagesAround(replySeqs[0] ?? 0, 10);

		const seen = new Map<string, QuoteChange[]>();
		const events: string[] = [];
		for (const [name, client] of [
			["ada", ada],
			["carol", carol],
			["dave", dave],
		] as const) {
			seen.set(name, []);
			client.on("quote", (change) => seen.get(name)?.push(change));
			client.on("deleted", ({ seq }) => events.push(`${name} deleted ${seq}`));
			client.on("quote", ({ seq }) => events.push(`${name} quote ${seq}`));
		}
		await ada.deleteMessage(original.seq);
		const deletedQuote = { seq: original.seq, user: { id: ada.user?.id, name: "Ada" }, deleted: true };
		const expected = [replySeqs[0], replySeqs[1]].map((seq) => ({ seq, replyTo: deletedQuote }));
		for (const name of ["ada", "carol", "dave"]) {
			await until(() => (seen.get(name)?.length ?? 0) >= 2, `${name}'s quote events`);
		}
		expect(seen.get("ada")).toEqual(expected);
		// In the order each met them (a search meets the newest first).
		const bySeq = (changes: QuoteChange[] = []) => changes.toSorted((a, b) => a.seq - b.seq);
		expect(bySeq(seen.get("carol"))).toEqual(expected);
		expect(bySeq(seen.get("dave"))).toEqual(expected);
		// The deletion first, then the quotes it changed; the reply to another message keeps its quote.
		expect(events.filter((event) => event.startsWith("ada"))).toEqual([
			`ada deleted ${original.seq}`,
			`ada quote ${replySeqs[0]}`,
			`ada quote ${replySeqs[1]}`,
		]);
		// The server says the same from now on.
		const after = (await api.history(chat.id)).messages;
		expect(after.find((message) => message.seq === replySeqs[0])?.replyTo).toEqual(deletedQuote);
		expect(after.find((message) => message.seq === replySeqs[2])?.replyTo).toMatchObject({
			seq: other.seq,
			text: "another thing",
		});
	});
});
