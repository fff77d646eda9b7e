import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { issueToken, requireSecret, verifyToken } from "../../worker/auth/tokens";
import { app } from "../../worker/http/app";
import type { IssuedToken } from "../../worker/protocol";
import { ApiError } from "../../worker/protocol";
import { bearer, createChat, expectError, joinToken, postJson } from "./helpers";

const tokenPath = (id: string) => `/api/chats/${id}/tokens`;

describe("POST /api/chats/:id/tokens", () => {
	it("issues a signed member token bound to the chat that expires in an hour", async () => {
		const chat = await createChat();
		const before = Date.now();
		const issued = await joinToken(chat, "  Alice ");
		expect(issued.user).toMatchObject({ name: "Alice", role: "member" });
		expect(issued.user.id).toMatch(/^u[A-Za-z0-9]{15}$/);
		expect(issued.expiresAt).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
		expect(issued.expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000);
		const check = await verifyToken(env.TOKEN_SECRET, issued.token);
		expect(check).toEqual({
			ok: true,
			claims: {
				chatId: chat.id,
				user: issued.user,
				expiresAt: expect.any(Number),
				sessionStartedAt: expect.any(Number),
			},
		});
	});

	it("gives the owner role for the owner key", async () => {
		const chat = await createChat();
		expect((await joinToken(chat, "Ada", chat.ownerKey)).user.role).toBe("owner");
	});

	it("lets a private chat be joined with its invite key only", async () => {
		const chat = await createChat({ visibility: "private" });
		await expectError(await postJson(tokenPath(chat.id), { name: "eve" }), 404, "not_found");
		await expectError(await postJson(tokenPath(chat.id), { name: "eve", key: "guess" }), 404, "not_found");
		expect((await joinToken(chat, "bob", chat.inviteKey)).user.role).toBe("member");
		expect((await joinToken(chat, "ada", chat.ownerKey)).user.role).toBe("owner");
	});

	it("refuses a wrong key on a public chat with 403", async () => {
		const chat = await createChat();
		await expectError(await postJson(tokenPath(chat.id), { name: "eve", key: "guess" }), 403, "forbidden");
	});

	it("answers 404 for an unknown chat", async () => {
		await expectError(await postJson(tokenPath("ZZZZZZZZZZZZZZZZ"), { name: "x" }), 404, "not_found");
	});

	it.each([
		["an empty name", { name: "" }],
		["a name over 32 characters", { name: "n".repeat(33) }],
		["a name with a newline", { name: "a\nb" }],
		["a name with a bidirectional override", { name: "abc\u202Edef" }],
	])("refuses %s with 400", async (_what, body) => {
		const chat = await createChat();
		await expectError(await postJson(tokenPath(chat.id), body), 400, "bad_request");
	});

	it("keeps the user id and role when a previous token is traded in, even an expired one", async () => {
		const chat = await createChat({ visibility: "private" });
		const first = await joinToken(chat, "Ada", chat.ownerKey);
		const expired = await issueToken(env.TOKEN_SECRET, {
			chatId: chat.id,
			user: first.user,
			expiresAt: Date.now() - 60_000,
		});
		const response = await postJson(tokenPath(chat.id), { name: "Ada L." }, bearer(expired));
		expect(response.status).toBe(201);
		const renewed = await response.json<IssuedToken>();
		expect(renewed.user).toEqual({ id: first.user.id, name: "Ada L.", role: "owner" });
	});

	const day = 86_400_000;
	const sessionMaxAgeMs = 30 * day;

	async function sessionStart(token: string): Promise<number> {
		const check = await verifyToken(env.TOKEN_SECRET, token, 7 * day);
		if (!check.ok) throw new Error(`not a valid token: ${check.reason}`);
		return check.claims.sessionStartedAt;
	}

	it("keeps the session's start across refreshes, however many", async () => {
		const chat = await createChat();
		const first = await joinToken(chat, "Ada");
		const started = await sessionStart(first.token);
		expect(Math.abs(started - Date.now())).toBeLessThan(5000);
		let token = first.token;
		for (let round = 0; round < 3; round++) {
			const response = await postJson(tokenPath(chat.id), { name: "Ada" }, bearer(token));
			expect(response.status).toBe(201);
			token = (await response.json<IssuedToken>()).token;
			expect(await sessionStart(token)).toBe(started);
		}
	});

	it("refuses to refresh a session older than SESSION_MAX_AGE_SECONDS with 401, even with a fresh token", async () => {
		const chat = await createChat();
		const { user } = await joinToken(chat, "Ada");
		const old = await issueToken(env.TOKEN_SECRET, {
			chatId: chat.id,
			user,
			expiresAt: Date.now() + 60_000,
			sessionStartedAt: Date.now() - sessionMaxAgeMs - 1000,
		});
		const message = await expectError(
			await postJson(tokenPath(chat.id), { name: "Ada" }, bearer(old)),
			401,
			"unauthorized",
		);
		expect(message).toMatch(/session began more than 30 days ago/);
		// A stolen token that expired days ago is no longer a key once its session is over either.
		const stale = await issueToken(env.TOKEN_SECRET, {
			chatId: chat.id,
			user,
			expiresAt: Date.now() - 2 * day,
			sessionStartedAt: Date.now() - sessionMaxAgeMs - day,
		});
		await expectError(
			await postJson(tokenPath(chat.id), { name: "Ada" }, bearer(stale)),
			401,
			"unauthorized",
		);
	});

	it("ends the last token of a session when the session ends, not an hour later", async () => {
		const chat = await createChat();
		const { user } = await joinToken(chat, "Ada");
		const sessionEnd = Date.now() + 10 * 60_000;
		const late = await issueToken(env.TOKEN_SECRET, {
			chatId: chat.id,
			user,
			expiresAt: Date.now() + 60_000,
			sessionStartedAt: sessionEnd - sessionMaxAgeMs,
		});
		const response = await postJson(tokenPath(chat.id), { name: "Ada" }, bearer(late));
		expect(response.status).toBe(201);
		const renewed = await response.json<IssuedToken>();
		expect(renewed.user.id).toBe(user.id);
		expect(Math.abs(renewed.expiresAt - sessionEnd)).toBeLessThan(2000);
	});

	it("refuses to refresh with a token of another chat or a forged one", async () => {
		const chat = await createChat();
		const other = await createChat();
		const foreign = await joinToken(other);
		await expectError(
			await postJson(tokenPath(chat.id), { name: "x" }, bearer(foreign.token)),
			401,
			"unauthorized",
		);
		await expectError(
			await postJson(tokenPath(chat.id), { name: "x" }, bearer("a.b.c")),
			401,
			"unauthorized",
		);
	});
});

describe("token signing", () => {
	it("refuses to sign or verify without a real secret", async () => {
		for (const secret of [undefined, "", "short"]) {
			expect(() => requireSecret(secret)).toThrow(ApiError);
		}
		const user = { id: "u1", name: "a", role: "member" as const };
		await expect(issueToken("", { chatId: "c", user, expiresAt: Date.now() + 1000 })).rejects.toMatchObject({
			status: 500,
			code: "server_misconfigured",
		});
	});

	it("rejects tokens signed with another secret, tampered or expired", async () => {
		const user = { id: "u1", name: "a", role: "member" as const };
		const claims = { chatId: "c", user, expiresAt: Date.now() + 60_000 };
		const foreign = await issueToken("another-secret-that-is-long-enough-0123456789", claims);
		expect(await verifyToken(env.TOKEN_SECRET, foreign)).toEqual({ ok: false, reason: "invalid" });
		const good = await issueToken(env.TOKEN_SECRET, claims);
		const [header, , signature] = good.split(".");
		const forgedBody = btoa(JSON.stringify({ sub: "u1", name: "a", role: "owner", chat: "c", exp: 9e9 }))
			.replaceAll("=", "")
			.replaceAll("+", "-")
			.replaceAll("/", "_");
		expect(await verifyToken(env.TOKEN_SECRET, `${header}.${forgedBody}.${signature}`)).toMatchObject({
			ok: false,
		});
		const expired = await issueToken(env.TOKEN_SECRET, { ...claims, expiresAt: Date.now() - 1000 });
		expect(await verifyToken(env.TOKEN_SECRET, expired)).toEqual({ ok: false, reason: "expired" });
	});
});

describe("a deployment without TOKEN_SECRET", () => {
	it("answers token requests with a clear 500 instead of signing with a guessable key", async () => {
		const chat = await createChat();
		const misconfigured = { ...env, TOKEN_SECRET: "" };
		const request = new Request(`http://edgechat.test/api/chats/${chat.id}/tokens`, {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ name: "ada" }),
		});
		const response = await app.fetch(request, misconfigured, createExecutionContext());
		expect(await expectError(response, 500, "server_misconfigured")).toMatch(/TOKEN_SECRET/);
	});

	it("says so in its health check", async () => {
		const misconfigured = { ...env, TOKEN_SECRET: "too-short" };
		const request = new Request("http://edgechat.test/api/health");
		const response = await app.fetch(request, misconfigured, createExecutionContext());
		expect(await response.json()).toMatchObject({ ok: true, tokenSecretConfigured: false });
	});
});
