import { describe, expect, it } from "vitest";
import packageJson from "../../package.json";
import type { ChatList, ChatWithConnections } from "../../worker/protocol";
import { api, bearer, createChat, expectError, joinToken, postJson, sleep, TestSocket } from "./helpers";

describe("POST /api/chats", () => {
	it("creates a public chat with defaults and an owner key shown once", async () => {
		const before = Date.now();
		const chat = await createChat({ name: "  Lobby  " });
		expect(chat.id).toMatch(/^[A-Za-z0-9]{16}$/);
		expect(chat).toMatchObject({ name: "Lobby", visibility: "public", history: true, owner: null });
		expect(chat.createdAt).toBeGreaterThanOrEqual(before);
		expect(chat.ownerKey.length).toBeGreaterThanOrEqual(32);
		expect(chat.inviteKey).toBeUndefined();
	});

	it("creates a private chat with an invite key distinct from the owner key", async () => {
		const chat = await createChat({ name: "Secret", visibility: "private", history: false, owner: "Ada" });
		expect(chat).toMatchObject({ visibility: "private", history: false, owner: "Ada" });
		expect(chat.inviteKey).toBeTypeOf("string");
		expect(chat.inviteKey).not.toBe(chat.ownerKey);
	});

	it.each([
		["an empty name", { name: "   " }],
		["a name over 80 characters", { name: "x".repeat(81) }],
		["a name with control characters", { name: "bad\u0007name" }],
		["an unknown visibility", { name: "ok", visibility: "secret" }],
		["a non-boolean history", { name: "ok", history: "yes" }],
		["an owner name over 32 characters", { name: "ok", owner: "o".repeat(33) }],
		["no name at all", {}],
	])("refuses %s with 400 bad_request", async (_what, body) => {
		await expectError(await postJson("/api/chats", body), 400, "bad_request");
	});

	it("counts names in characters, so 80 emoji are a valid chat name", async () => {
		const chat = await createChat({ name: "😀".repeat(80) });
		expect(chat.name).toBe("😀".repeat(80));
	});

	it("refuses malformed JSON with 400", async () => {
		const response = await api("/api/chats", {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: "{not json",
		});
		await expectError(response, 400, "bad_request");
	});

	it("refuses a body over 64 KiB with 413 too_large", async () => {
		const response = await postJson("/api/chats", { name: "big", padding: "x".repeat(70_000) });
		await expectError(response, 413, "too_large");
	});
});

describe("GET /api/chats", () => {
	async function listing(): Promise<ChatList> {
		const response = await api("/api/chats");
		expect(response.status).toBe(200);
		return response.json<ChatList>();
	}

	it("lists public chats busiest first with live connection counts, and never private ones", async () => {
		const quiet = await createChat({ name: "quiet" });
		const busy = await createChat({ name: "busy" });
		const hidden = await createChat({ name: "hidden", visibility: "private" });
		const sockets = [];
		for (const name of ["a", "b"])
			sockets.push(await TestSocket.open(busy.id, (await joinToken(busy, name)).token));
		sockets.push(await TestSocket.open(hidden.id, (await joinToken(hidden, "c")).token));

		let chats: ChatList["chats"] = [];
		for (let attempt = 0; attempt < 50; attempt++) {
			chats = (await listing()).chats;
			if (chats.find((entry) => entry.id === busy.id)?.connections === 2) break;
			await sleep(50);
		}
		const ids = chats.map((entry) => entry.id);
		expect(chats.find((entry) => entry.id === busy.id)).toMatchObject({ name: "busy", connections: 2 });
		expect(ids.indexOf(busy.id)).toBeLessThan(ids.indexOf(quiet.id));
		expect(chats.find((entry) => entry.id === quiet.id)).toMatchObject({ connections: 0, owner: null });
		expect(ids).not.toContain(hidden.id);

		for (const socket of sockets) socket.close();
		for (let attempt = 0; attempt < 50; attempt++) {
			if ((await listing()).chats.find((entry) => entry.id === busy.id)?.connections === 0) return;
			await sleep(50);
		}
		throw new Error("connection count never went back to 0");
	});
});

describe("GET /api/chats/:id", () => {
	it("describes a public chat with its connection count", async () => {
		const chat = await createChat({ name: "Described", owner: "Ada" });
		const response = await api(`/api/chats/${chat.id}`);
		expect(response.status).toBe(200);
		const body = await response.json<ChatWithConnections>();
		expect(body).toEqual({
			id: chat.id,
			name: "Described",
			visibility: "public",
			history: true,
			owner: "Ada",
			createdAt: chat.createdAt,
			connections: 0,
		});
		expect(JSON.stringify(body)).not.toContain(chat.ownerKey);
	});

	it("answers 404 for unknown and malformed ids", async () => {
		await expectError(await api("/api/chats/AAAAAAAAAAAAAAAA"), 404, "not_found");
		await expectError(await api("/api/chats/not-an-id!"), 404, "not_found");
	});

	it("hides a private chat unless its invite key, owner key or a token is given", async () => {
		const chat = await createChat({ name: "Private", visibility: "private" });
		await expectError(await api(`/api/chats/${chat.id}`), 404, "not_found");
		await expectError(await api(`/api/chats/${chat.id}?key=wrong`), 404, "not_found");
		expect((await api(`/api/chats/${chat.id}?key=${chat.inviteKey}`)).status).toBe(200);
		expect((await api(`/api/chats/${chat.id}?key=${chat.ownerKey}`)).status).toBe(200);
		const token = await joinToken(chat);
		expect((await api(`/api/chats/${chat.id}`, { headers: bearer(token.token) })).status).toBe(200);
	});

	it("refuses a wrong key on a public chat with 403", async () => {
		const chat = await createChat();
		await expectError(await api(`/api/chats/${chat.id}?key=wrong`), 403, "forbidden");
	});
});

describe("the rest of the API surface", () => {
	it("answers health checks with the version and whether tokens can be signed", async () => {
		const response = await api("/api/health");
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({
			ok: true,
			version: packageJson.version,
			tokenSecretConfigured: true,
		});
	});

	it("serves an OpenAPI document describing every endpoint", async () => {
		const response = await api("/api/openapi.json");
		expect(response.status).toBe(200);
		const doc = await response.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
		expect(doc.openapi).toBe("3.1.0");
		expect(Object.keys(doc.paths).sort()).toEqual([
			"/chats",
			"/chats/{id}",
			"/chats/{id}/bans",
			"/chats/{id}/bans/{userId}",
			"/chats/{id}/diagnostics",
			"/chats/{id}/export",
			"/chats/{id}/files",
			"/chats/{id}/files/{fileId}",
			"/chats/{id}/keys",
			"/chats/{id}/kicks",
			"/chats/{id}/messages",
			"/chats/{id}/messages/{seq}",
			"/chats/{id}/messages/{seq}/reactions/{emoji}",
			"/chats/{id}/moderators",
			"/chats/{id}/moderators/{userId}",
			"/chats/{id}/mutes",
			"/chats/{id}/mutes/{userId}",
			"/chats/{id}/presence",
			"/chats/{id}/search",
			"/chats/{id}/tokens",
			"/chats/{id}/webhook",
			"/chats/{id}/ws",
		]);
		expect(Object.keys(doc.paths["/chats/{id}/messages"] ?? {}).sort()).toEqual(["get", "post"]);
		expect(Object.keys(doc.paths["/chats/{id}"] ?? {}).sort()).toEqual(["delete", "get", "patch"]);
	});

	it("answers unknown API routes, and /api itself with or without a slash, with a JSON 404", async () => {
		for (const path of ["/api/nope", "/api", "/api/"]) await expectError(await api(path), 404, "not_found");
	});

	it("allows CORS from configured origins and the app's own origin only", async () => {
		const preflight = (origin: string) =>
			api("/api/chats", {
				method: "OPTIONS",
				headers: { Origin: origin, "Access-Control-Request-Method": "POST" },
			});
		expect((await preflight("https://allowed.example")).headers.get("Access-Control-Allow-Origin")).toBe(
			"https://allowed.example",
		);
		expect((await preflight("http://edgechat.test")).headers.get("Access-Control-Allow-Origin")).toBe(
			"http://edgechat.test",
		);
		expect((await preflight("https://evil.example")).headers.get("Access-Control-Allow-Origin")).toBeNull();
	});

	it("shows room diagnostics to the owner key only", async () => {
		const chat = await createChat();
		const response = await api(`/api/chats/${chat.id}/diagnostics?key=${chat.ownerKey}`);
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ connections: 0, lastSeq: 0, storedMessages: 0 });
		await expectError(await api(`/api/chats/${chat.id}/diagnostics?key=wrong`), 403, "forbidden");
	});
});
