import { describe, expect, it } from "vitest";
import { ChatClient, type ClientMessage, type ReceivedMessage } from "../../web/client/index.ts";
import { limits } from "../../worker/protocol/limits.ts";
import { api, baseUrl, unique, until, withTimeout } from "../e2e/helpers.ts";
import { clientsOfEachTest } from "./test-clients.ts";

/** ChatClient from Node against the real app: mentions sent with a message, and marked for whom they name. */

const clients = clientsOfEachTest({ backoff: { baseMs: 100, maxMs: 1000 } });

/** Every `message` event the client gives, in order. */
function record(client: ChatClient): ReceivedMessage[] {
	const received: ReceivedMessage[] = [];
	client.on("message", (event) => received.push(event));
	return received;
}

function byText(received: ReceivedMessage[], text: string): ClientMessage | undefined {
	return received.find((event) => event.message.text === text)?.message;
}

function idOf(client: ChatClient): string {
	const user = client.user;
	if (!user) throw new Error("not joined");
	return user.id;
}

describe("ChatClient and mentions", () => {
	it("marks a message mentionsMe for the mentioned user's client only: live, replayed and paged", async () => {
		const chat = await api.createChat({ name: unique("Client mentions") });
		const ann = await clients.join(chat.id, "Ann");
		const ben = await clients.join(chat.id, "Ben");
		const cy = await clients.join(chat.id, "Cy");
		const [atAnn, atBen, atCy] = [record(ann), record(ben), record(cy)];
		const benId = idOf(ben);

		const pending = ann.send("hi @Ben", { mentions: [benId] });
		expect(pending.mentions).toEqual([benId]);
		await until(() => [atAnn, atBen, atCy].every((seen) => byText(seen, "hi @Ben")), "everyone's copy");
		expect(byText(atBen, "hi @Ben")).toMatchObject({ mentions: [benId], mentionsMe: true });
		expect(byText(atCy, "hi @Ben")?.mentions).toEqual([benId]);
		expect(byText(atCy, "hi @Ben")).not.toHaveProperty("mentionsMe");
		expect(byText(atAnn, "hi @Ben")).not.toHaveProperty("mentionsMe");

		// Said while Ben's link was down: the replay on his return is marked too.
		ben.pause();
		ann.send("while you were away, @Ben", { mentions: [benId] });
		ann.send("and something for nobody");
		await until(() => byText(atCy, "and something for nobody") !== undefined, "Cy's copy");
		ben.resume();
		await until(() => byText(atBen, "and something for nobody") !== undefined, "Ben's replay");
		expect(byText(atBen, "while you were away, @Ben")?.mentionsMe).toBe(true);
		expect(byText(atBen, "and something for nobody")).not.toHaveProperty("mentionsMe");

		// Ben again, in a new window with his identity: history pages are marked, events and page alike.
		const again = new ChatClient({ baseUrl, chatId: chat.id, name: "Ben", token: ben.token });
		clients.keep(again);
		const atAgain = record(again);
		await withTimeout(again.connect(), 10_000, "Ben's second window");
		expect(idOf(again)).toBe(benId);
		const page = await again.loadOlder();
		const paged = page.messages.filter((message) => message.mentionsMe).map((message) => message.text);
		expect(paged).toEqual(["hi @Ben", "while you were away, @Ben"]);
		expect(atAgain.every((event) => event.source === "history")).toBe(true);
		expect(atAgain.filter((event) => event.message.mentionsMe).map((event) => event.message.text)).toEqual(
			paged,
		);

		// Looked up rather than delivered: search results and the messages around one, marked alike.
		const found = await again.search("away");
		expect(found.messages.map((message) => [message.text, message.mentionsMe])).toEqual([
			["while you were away, @Ben", true],
		]);
		const around = await again.messagesAround(1, 1);
		expect(around.map((message) => [message.seq, message.mentionsMe])).toEqual([
			[1, true],
			[2, true],
		]);
		const atCyAround = await cy.messagesAround(1, 1);
		expect(atCyAround.some((message) => "mentionsMe" in message)).toBe(false);
	});

	it("sends a reply's seq and mentions with the message, also when a reload hands the send to a new client", async () => {
		const chat = await api.createChat({ name: unique("Client send extras") });
		const ann = await clients.join(chat.id, "Ann");
		const ben = await clients.join(chat.id, "Ben");
		const benId = idOf(ben);
		const atBen = record(ben);
		ann.send("the question");
		await until(() => byText(atBen, "the question") !== undefined, "the question");

		ann.pause();
		const pending = ann.send("the answer, @Ben", { replyTo: 1, mentions: [benId] });
		expect(ann.pending).toEqual([pending]);
		const saved = ann.token;
		ann.close();
		// What a page keeps in storage and hands to the client after a reload: the extras go again.
		const reloaded = new ChatClient({
			baseUrl,
			chatId: chat.id,
			name: "Ann",
			token: saved,
			pending: [pending],
		});
		clients.keep(reloaded);
		await withTimeout(reloaded.connect(), 10_000, "after the reload");
		await until(() => byText(atBen, "the answer, @Ben") !== undefined, "the answer");
		expect(byText(atBen, "the answer, @Ben")).toMatchObject({
			clientId: pending.clientId,
			replyTo: { seq: 1, text: "the question" },
			mentions: [benId],
			mentionsMe: true,
		});
		const { messages } = await api.history(chat.id);
		expect(messages.map((message) => message.mentions)).toEqual([undefined, [benId]]);
	});

	it("refuses more mentions than a message may carry before sending anything", async () => {
		const chat = await api.createChat({ name: unique("Client many mentions") });
		const ann = await clients.join(chat.id, "Ann");
		const ids = Array.from({ length: limits.mentionsMax + 1 }, (_, index) => `u${index}`);
		expect(() => ann.send("everyone", { mentions: ids })).toThrow(RangeError);
		expect(ann.pending).toEqual([]);
	});
});
