import { createExecutionContext, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { isLoopback } from "../../worker/auth/address";
import { directoryStub, idleDropMs } from "../../worker/directory/chat-directory";
import { app } from "../../worker/http/app";
import type { ChatList } from "../../worker/protocol";
import { api, createChat, expectError, origin, postJson, sleep } from "./helpers";

const from = (address: string) => ({ "CF-Connecting-IP": address });

/**
 * The Rate Limiting binding counts in fixed windows of a minute, which the local runtime starts on
 * the clock's minute: a count that began near the end of one would go on in a fresh window. Waits
 * for the next one when less than `neededMs` is left of this one.
 */
async function aWholeWindow(neededMs = 15_000): Promise<void> {
	const left = 60_000 - (Date.now() % 60_000);
	if (left < neededMs) await sleep(left + 100);
}

/** The app as deployed with `vars` changed, the way wrangler.toml `[vars]` or the dashboard would. */
function withVars(vars: Record<string, string>) {
	const configured = { ...env, ...vars };
	return (path: string, body: unknown, address: string) =>
		app.fetch(
			new Request(`${origin}${path}`, {
				method: "POST",
				headers: { "Content-Type": "application/json", ...from(address) },
				body: JSON.stringify(body),
			}),
			configured,
			createExecutionContext(),
		);
}

describe("abuse limits per network address", () => {
	it("lets one address create 10 chats a minute, then answers 429 with Retry-After", async () => {
		await aWholeWindow();
		const address = "203.0.113.9";
		for (let n = 0; n < 10; n++) {
			expect((await postJson("/api/chats", { name: `c${n}` }, from(address))).status).toBe(201);
		}
		const refused = await postJson("/api/chats", { name: "one too many" }, from(address));
		const retryAfter = Number(refused.headers.get("Retry-After"));
		expect(retryAfter).toBeGreaterThan(0);
		expect(retryAfter).toBeLessThanOrEqual(60);
		expect(await expectError(refused, 429, "rate_limited")).toMatch(
			/^Too many chats created from this network address \(10 a minute\); try again in \d+ s$/,
		);
		expect((await postJson("/api/chats", { name: "elsewhere" }, from("198.18.0.11"))).status).toBe(201);
	}, 40_000);

	it("lets one address take 60 tokens a minute, then answers its 61st with 429 and Retry-After", async () => {
		const chat = await createChat();
		await aWholeWindow();
		const address = "203.0.113.9";
		for (let n = 0; n < 60; n++) {
			const response = await postJson(`/api/chats/${chat.id}/tokens`, { name: `u${n}` }, from(address));
			expect(response.status).toBe(201);
		}
		const refused = await postJson(`/api/chats/${chat.id}/tokens`, { name: "u60" }, from(address));
		expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
		expect(await expectError(refused, 429, "rate_limited")).toMatch(/tokens issued .* \(60 a minute\)/);
		expect(
			(await postJson(`/api/chats/${chat.id}/tokens`, { name: "other" }, from("198.18.0.21"))).status,
		).toBe(201);
	}, 40_000);

	it("never limits a loopback address (127.0.0.0/8, ::1), which only a local client has", async () => {
		const chat = await createChat();
		for (const address of ["127.0.0.1", "::1", "127.0.0.42"]) {
			for (let n = 0; n < 65; n++) {
				const response = await postJson(`/api/chats/${chat.id}/tokens`, { name: `l${n}` }, from(address));
				expect(response.status, `token ${n + 1} from ${address}`).toBe(201);
			}
			for (let n = 0; n < 12; n++) {
				const response = await postJson("/api/chats", { name: `local ${n}` }, from(address));
				expect(response.status, `chat ${n + 1} from ${address}`).toBe(201);
			}
		}
	}, 40_000);

	it("keeps a limit set to another number than its binding's (counted by the AddressLimits object)", async () => {
		const chat = await createChat();
		const post = withVars({ ADDRESS_TOKENS_PER_MINUTE: "3", ADDRESS_CHATS_PER_MINUTE: "2" });
		const address = "198.18.0.30";
		for (let n = 0; n < 3; n++) {
			expect((await post(`/api/chats/${chat.id}/tokens`, { name: `v${n}` }, address)).status).toBe(201);
		}
		const refused = await post(`/api/chats/${chat.id}/tokens`, { name: "v3" }, address);
		expect(await expectError(refused, 429, "rate_limited")).toMatch(/\(3 a minute\)/);
		// A token bucket: a token comes back every third of a minute.
		const retryAfter = Number(refused.headers.get("Retry-After"));
		expect(retryAfter).toBeGreaterThan(0);
		expect(retryAfter).toBeLessThanOrEqual(20);
		for (let n = 0; n < 2; n++)
			expect((await post("/api/chats", { name: `v${n}` }, address)).status).toBe(201);
		await expectError(await post("/api/chats", { name: "v2" }, address), 429, "rate_limited");
	});
});

describe("loopback addresses", () => {
	it("are 127.0.0.0/8 and ::1 in the forms a local runtime writes, and nothing else", () => {
		for (const address of [
			"127.0.0.1",
			"127.255.0.9",
			"::1",
			"0:0:0:0:0:0:0:1",
			"::ffff:127.0.0.1",
			" ::1 ",
		]) {
			expect(isLoopback(address), address).toBe(true);
		}
		for (const address of [
			"203.0.113.9",
			"128.0.0.1",
			"10.0.0.1",
			"::2",
			"1::",
			"::ffff:10.0.0.1",
			"",
			null,
		]) {
			expect(isLoopback(address), String(address)).toBe(false);
		}
	});
});

describe("the directory", () => {
	it("lists at most 100 chats", async () => {
		for (let n = 0; n < 101; n++) await createChat({ name: `listed ${n}` });
		const { chats } = await (await api("/api/chats")).json<ChatList>();
		expect(chats.length).toBe(100);
	});

	it("drops chats with no connection for 7 days", async () => {
		const idle = await createChat({ name: "idle" });
		const fresh = await createChat({ name: "fresh" });
		await runInDurableObject(directoryStub(env), (_directory, state) => {
			state.storage.sql.exec(
				"UPDATE listings SET last_active = ? WHERE id = ?",
				Date.now() - idleDropMs - 1000,
				idle.id,
			);
		});
		const ids = (await (await api("/api/chats")).json<ChatList>()).chats.map((chat) => chat.id);
		expect(ids).toContain(fresh.id);
		expect(ids).not.toContain(idle.id);
	});
});
