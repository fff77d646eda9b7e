import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ChatClient, type NewSession } from "../../web/client/index.ts";
import { issueToken } from "../../worker/auth/tokens.ts";
import type { ChatMessage } from "../../worker/protocol/index.ts";
import { api, baseUrl, connectClient, unique, until, withTimeout } from "../e2e/helpers.ts";

/** ChatClient from Node against the real app: where it picks up when it comes back. */

const open: ChatClient[] = [];
afterEach(() => {
	for (const client of open.splice(0)) client.close();
});

/** The secret `wrangler dev` signs tokens with (.dev.vars), to make a token as an old visit left it. */
function devTokenSecret(): string {
	const vars = readFileSync(resolve(import.meta.dirname, "../../.dev.vars"), "utf8");
	const secret = /^TOKEN_SECRET="?([^"\n]+)"?$/m.exec(vars)?.[1];
	if (!secret) throw new Error("no TOKEN_SECRET in .dev.vars");
	return secret;
}

const day = 24 * 3600 * 1000;

describe("ChatClient joining again", () => {
	it("resumes from where it joined when it has seen no live message, not from the chat's start", async () => {
		const chat = await api.createChat({ name: unique("Client resume point") });
		const writer = await api.issueToken(chat.id, { name: "writer" });
		for (const text of ["before one", "before two", "before three"]) {
			await api.postMessage(chat.id, writer.token, text);
		}
		const reader = await connectClient(chat.id, "reader", { backoff: { baseMs: 100, maxMs: 1000 } });
		open.push(reader);
		const received: ChatMessage[] = [];
		reader.on("message", ({ message }) => received.push(message));
		let readies = 0;
		reader.on("ready", () => readies++);
		reader.pause();
		reader.resume();
		await until(() => readies === 1, "the resumed socket's ready");
		await api.postMessage(chat.id, writer.token, "after the cut");
		await until(() => received.some((message) => message.text === "after the cut"), "the new message");
		// Older messages come from loadOlder() when the app asks, never as a replay of the whole chat.
		expect(received.map((message) => message.text)).toEqual(["after the cut"]);
	});

	it("begins a new session without a token whose session is over, and says so", async () => {
		const chat = await api.createChat({ name: unique("Client old session") });
		// As a page finds it in storage after a long absence: expired, from a session 31 days old.
		const previous = {
			chatId: chat.id,
			user: { id: "uOldSession00001", name: "returning", role: "member" as const },
			expiresAt: Date.now() - day,
		};
		const oldToken = await issueToken(devTokenSecret(), {
			...previous,
			sessionStartedAt: Date.now() - 31 * day,
		});
		const client = new ChatClient({
			baseUrl,
			chatId: chat.id,
			name: "returning",
			token: { token: oldToken, expiresAt: previous.expiresAt, user: previous.user },
		});
		open.push(client);
		const sessions: NewSession[] = [];
		client.on("session", (session) => sessions.push(session));
		const ready = await withTimeout(client.connect(), 10_000, "joining with an old session's token");
		expect(ready.user.name).toBe("returning");
		expect(ready.user.id).not.toBe(previous.user.id);
		expect(sessions).toEqual([
			{ previousUserId: previous.user.id, user: ready.user, reason: expect.stringMatching(/session/i) },
		]);
		expect(client.token?.user.id).toBe(ready.user.id);
	});
});
