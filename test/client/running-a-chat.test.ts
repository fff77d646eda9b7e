import { afterEach, describe, expect, it } from "vitest";
import type { ChatClient, ClientError } from "../../web/client/index.ts";
import { api, connectClient, unique, until } from "../e2e/helpers.ts";

/** ChatClient from Node against the real app: what issue 12 adds to it. */

const open: ChatClient[] = [];
afterEach(() => {
	for (const client of open.splice(0)) client.close();
});

async function join(chatId: string, name: string, key?: string): Promise<ChatClient> {
	const client = await connectClient(chatId, name, { backoff: { baseMs: 100, maxMs: 1000 }, key });
	open.push(client);
	return client;
}

describe("ChatClient running a chat", () => {
	it("shows a client that was away the edits, deletions and reactions made meanwhile", async () => {
		const chat = await api.createChat({ name: unique("Client changes") });
		const writer = await join(chat.id, "Writer");
		const reader = await join(chat.id, "Reader");
		const edited: string[] = [];
		const deleted: number[] = [];
		const reacted: string[] = [];
		reader.on("edited", ({ message }) => edited.push(message.text));
		reader.on("deleted", ({ seq }) => deleted.push(seq));
		reader.on("reactions", ({ seq, reactions }) =>
			reacted.push(`${seq}:${reactions.map((r) => r.emoji).join()}`),
		);
		let seen = 0;
		reader.on("message", () => {
			seen += 1;
		});
		for (const text of ["one", "two", "three"]) writer.send(text);
		await until(() => seen === 3, "three messages");

		reader.pause();
		await writer.editMessage(1, "one, edited");
		await writer.deleteMessage(2);
		writer.react(3, "🎉");
		await new Promise((done) => setTimeout(done, 300));
		reader.resume();
		await until(() => edited.length === 1 && deleted.length === 1 && reacted.length === 1, "the changes");
		expect(edited).toEqual(["one, edited"]);
		expect(deleted).toEqual([2]);
		expect(reacted).toEqual(["3:🎉"]);
	});

	it("stops a kicked client and says why", async () => {
		const chat = await api.createChat({ name: unique("Client kick") });
		const owner = await join(chat.id, "Olga", chat.ownerKey);
		const bob = await join(chat.id, "Bob");
		const errors: ClientError[] = [];
		bob.on("error", (error) => errors.push(error));
		const userId = bob.user?.id ?? "";
		await owner.moderate({ kind: "kick", userId, reason: "cool off" });
		const states: string[] = [];
		bob.on("state", ({ state }) => states.push(state));
		await until(
			() => bob.state === "closed",
			`Bob's client to stop; ${JSON.stringify({ states, errors })}`,
			4000,
		);
		expect(errors.find((error) => error.fatal)).toMatchObject({ code: "kicked" });
		expect(errors.find((error) => error.fatal)?.message).toContain("cool off");
	});
});
