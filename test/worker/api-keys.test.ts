import { describe, expect, it } from "vitest";
import { configuredApiKeys, isApiKey } from "../../worker/auth/api-keys";
import type { ChatMessage, HistoryPage, IssuedToken, PresenceList } from "../../worker/protocol";
import { api, bearer, createChat, expectError, joinToken, postJson, TestSocket } from "./helpers";

/** API_KEYS in vitest.config.ts holds two keys; either works. */
const apiKey = { "X-API-Key": "test-api-key-two" };
const wrongKey = { "X-API-Key": "test-api-key-three" };

async function byoToken(chatId: string, user: { id: string; name: string }, role?: "owner" | "member") {
	const response = await postJson(`/api/chats/${chatId}/tokens`, { user, role }, apiKey);
	expect(response.status).toBe(201);
	return response.json<IssuedToken>();
}

async function presence(chatId: string, headers: Record<string, string>): Promise<PresenceList> {
	const response = await api(`/api/chats/${chatId}/presence`, { headers });
	expect(response.status).toBe(200);
	return response.json<PresenceList>();
}

describe("server API keys", () => {
	it("reads the comma-separated secret and matches whole keys only", async () => {
		const keys = configuredApiKeys(" a-key , other-key ,,");
		expect(keys).toEqual(["a-key", "other-key"]);
		expect(await isApiKey("other-key", keys)).toBe(true);
		expect(await isApiKey("other", keys)).toBe(false);
		expect(await isApiKey("a-key", [])).toBe(false);
	});

	it("refuses a wrong key with 401 and never echoes it", async () => {
		const chat = await createChat();
		const response = await postJson(
			`/api/chats/${chat.id}/messages`,
			{ text: "hi", user: { id: "bot", name: "Bot" } },
			wrongKey,
		);
		const message = await expectError(response, 401, "unauthorized");
		expect(message).not.toContain("test-api-key");
		await expectError(await postJson("/api/chats", { name: "x" }, wrongKey), 401, "unauthorized");
	});

	it("creates a chat with an owner name and reads its private history without any chat key", async () => {
		const response = await postJson(
			"/api/chats",
			{ name: "Support", visibility: "private", owner: "Acme" },
			apiKey,
		);
		expect(response.status).toBe(201);
		const chat = await response.json<{ id: string; owner: string }>();
		expect(chat.owner).toBe("Acme");
		await expectError(await api(`/api/chats/${chat.id}/messages`), 404, "not_found");
		const posted = await postJson(
			`/api/chats/${chat.id}/messages`,
			{ text: "welcome", user: { id: "bot:greeter", name: "Greeter" } },
			apiKey,
		);
		expect(posted.status).toBe(201);
		const history = await (
			await api(`/api/chats/${chat.id}/messages`, { headers: apiKey })
		).json<HistoryPage>();
		expect(history.messages.map((message) => [message.user, message.text])).toEqual([
			[{ id: "bot:greeter", name: "Greeter" }, "welcome"],
		]);
	});

	it("lets a bot post under its own name without joining, idempotently by clientId", async () => {
		const chat = await createChat();
		const watcher = await TestSocket.open(chat.id, (await joinToken(chat, "watcher")).token);
		const body = { text: "build passed", clientId: "ci-1", user: { id: "ci.bot", name: "CI" } };
		const first = await postJson(`/api/chats/${chat.id}/messages`, body, apiKey);
		expect(first.status).toBe(201);
		const again = await postJson(`/api/chats/${chat.id}/messages`, body, apiKey);
		expect(again.status).toBe(200);
		const [a, b] = [
			await first.json<{ message: ChatMessage }>(),
			await again.json<{ message: ChatMessage }>(),
		];
		expect(b.message).toEqual(a.message);
		await watcher.until(() => watcher.messages.length === 1, "the bot's message");
		expect(watcher.messages[0]?.user).toEqual({ id: "ci.bot", name: "CI" });
		watcher.close();
	});

	it("asks a key-holder for the user, and ignores a named user without a key", async () => {
		const chat = await createChat();
		await expectError(
			await postJson(`/api/chats/${chat.id}/messages`, { text: "x" }, apiKey),
			400,
			"bad_request",
		);
		const alice = await joinToken(chat, "alice");
		const spoof = await postJson(
			`/api/chats/${chat.id}/messages`,
			{ text: "x", user: { id: "admin", name: "Admin" } },
			bearer(alice.token),
		);
		expect(spoof.status).toBe(201);
		expect((await spoof.json<{ message: ChatMessage }>()).message.user).toEqual({
			id: alice.user.id,
			name: "alice",
		});
	});

	it("reads a chat's diagnostics like its owner key does", async () => {
		const chat = await createChat({ visibility: "private" });
		const response = await api(`/api/chats/${chat.id}/diagnostics`, { headers: apiKey });
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ connections: 0, lastSeq: 0 });
	});

	it("deletes any message as the owner of every chat", async () => {
		const chat = await createChat();
		const alice = await joinToken(chat, "alice");
		const posted = await postJson(`/api/chats/${chat.id}/messages`, { text: "oops" }, bearer(alice.token));
		const { message } = await posted.json<{ message: ChatMessage }>();
		const deleted = await api(`/api/chats/${chat.id}/messages/${message.seq}`, {
			method: "DELETE",
			headers: apiKey,
		});
		expect(deleted.status).toBe(204);
		const history = await (await api(`/api/chats/${chat.id}/messages`)).json<HistoryPage>();
		expect(history.messages[0]).toMatchObject({ seq: message.seq, deleted: true, text: "" });
	});
});

describe("bring your own identity", () => {
	it("issues a token that carries the backend's user id verbatim, in a private chat too", async () => {
		const chat = await createChat({ visibility: "private" });
		const issued = await byoToken(chat.id, { id: "acct:42", name: "Ada" });
		expect(issued.user).toEqual({ id: "acct:42", name: "Ada", role: "member" });
		const socket = await TestSocket.open(chat.id, issued.token);
		expect(socket.frames[0]).toMatchObject({ type: "ready", user: { id: "acct:42", role: "member" } });
		socket.close();
	});

	it("gives the same person the same user on every device", async () => {
		const chat = await createChat();
		const laptop = await byoToken(chat.id, { id: "acct-7", name: "Grace" });
		const phone = await byoToken(chat.id, { id: "acct-7", name: "Grace" });
		const a = await TestSocket.open(chat.id, laptop.token);
		const b = await TestSocket.open(chat.id, phone.token);
		expect(b.frames[0]).toMatchObject({ type: "ready", onlineCount: 1 });
		a.close();
		b.close();
	});

	it("grants the owner role when asked", async () => {
		const chat = await createChat();
		const issued = await byoToken(chat.id, { id: "mod_1", name: "Mod" }, "owner");
		expect(issued.user.role).toBe("owner");
	});

	it("refuses ids outside [A-Za-z0-9_.:-]{1,64} and ids shaped like edgechat's own", async () => {
		const chat = await createChat();
		const minted = (await joinToken(chat, "guest")).user.id;
		expect(minted).toMatch(/^u[0-9A-Za-z]{15}$/);
		for (const id of ["", "has space", "x".repeat(65), "ä", minted]) {
			const response = await postJson(`/api/chats/${chat.id}/tokens`, { user: { id, name: "X" } }, apiKey);
			await expectError(response, 400, "bad_request");
		}
		// One character more or less than edgechat's shape is someone else's id.
		await byoToken(chat.id, { id: `${minted}x`, name: "X" });
		await byoToken(chat.id, { id: "x".repeat(64), name: "X" });
	});

	it("ignores user and role without an API key, like any unknown field", async () => {
		const chat = await createChat();
		const response = await postJson(`/api/chats/${chat.id}/tokens`, {
			name: "eve",
			role: "owner",
			user: { id: "root", name: "root" },
		});
		expect(response.status).toBe(201);
		const { user } = await response.json<IssuedToken>();
		expect(user).toMatchObject({ name: "eve", role: "member" });
		expect(user.id).toMatch(/^u[0-9A-Za-z]{15}$/);
		await expectError(await postJson(`/api/chats/${chat.id}/tokens`, { role: "owner" }), 400, "bad_request");
		await expectError(await postJson(`/api/chats/${chat.id}/tokens`, {}, apiKey), 400, "bad_request");
	});
});

describe("GET /api/chats/:id/presence", () => {
	it("lists who is online to an API key and to any token of the chat, with an exact count", async () => {
		const chat = await createChat();
		const ada = await byoToken(chat.id, { id: "ada", name: "Ada" });
		const bob = await byoToken(chat.id, { id: "bob", name: "Bob" });
		const sockets = [await TestSocket.open(chat.id, ada.token), await TestSocket.open(chat.id, bob.token)];
		// Shards report their users to the root a moment after they join.
		const deadline = Date.now() + 5000;
		let seen = await presence(chat.id, apiKey);
		while (seen.count < 2 && Date.now() < deadline) seen = await presence(chat.id, apiKey);
		expect(seen.count).toBe(2);
		expect(seen.online.map((user) => user.id).sort()).toEqual(["ada", "bob"]);
		const asMember = await presence(chat.id, bearer((await joinToken(chat, "lurker")).token));
		expect(asMember.count).toBe(2);
		for (const socket of sockets) socket.close();
	});

	it("is refused without credentials or with another chat's token", async () => {
		const chat = await createChat();
		const other = await createChat();
		await expectError(await api(`/api/chats/${chat.id}/presence`), 401, "unauthorized");
		const foreign = bearer((await joinToken(other, "x")).token);
		await expectError(await api(`/api/chats/${chat.id}/presence`, { headers: foreign }), 401, "unauthorized");
		await expectError(
			await api("/api/chats/NoSuchChat0000000/presence", { headers: apiKey }),
			404,
			"not_found",
		);
	});
});

describe("the OpenAPI document", () => {
	it("describes the API key scheme and the routes that take it", async () => {
		const doc = await (await api("/api/openapi.json")).json<{
			components: { securitySchemes: Record<string, unknown> };
			paths: Record<string, Record<string, { security?: Array<Record<string, unknown>> }>>;
		}>();
		expect(doc.components.securitySchemes.apiKey).toMatchObject({
			type: "apiKey",
			in: "header",
			name: "X-API-Key",
		});
		for (const [path, method] of [
			["/chats/{id}/presence", "get"],
			["/chats/{id}/webhook", "put"],
			["/chats/{id}/export", "get"],
			["/chats/{id}/messages", "post"],
		] as const) {
			const security = doc.paths[path]?.[method]?.security ?? [];
			expect(
				security.some((entry) => "apiKey" in entry),
				`${method} ${path}`,
			).toBe(true);
		}
	});

	it("moderates and deletes as the owner of every chat: a mute, a ban and a delete with the key alone", async () => {
		const chat = await createChat();
		const bob = await joinToken(chat, "bob");
		const socket = await TestSocket.open(chat.id, bob.token);
		const posted = await postJson(`/api/chats/${chat.id}/messages`, { text: "mine" }, bearer(bob.token));
		expect(posted.status).toBe(201);

		const mute = await postJson(`/api/chats/${chat.id}/mutes`, { userId: bob.user.id, seconds: 60 }, apiKey);
		expect(mute.status).toBe(201);
		socket.send({ type: "send", text: "still here?", clientId: "muted-1" });
		expect(await socket.next("error")).toMatchObject({ code: "muted", clientId: "muted-1" });

		const removed = await api(`/api/chats/${chat.id}/messages/1`, { method: "DELETE", headers: apiKey });
		expect(removed.status).toBe(204);
		await socket.next("deleted");

		const ban = await postJson(`/api/chats/${chat.id}/bans`, { userId: bob.user.id }, apiKey);
		expect(ban.status).toBe(201);
		await socket.until(() => socket.closed !== null, "the banned user's socket closing");
		expect(socket.closed?.code).toBe(4003);
		await expectError(
			await postJson(`/api/chats/${chat.id}/mutes`, { userId: bob.user.id }, wrongKey),
			401,
			"unauthorized",
		);
	});
});
