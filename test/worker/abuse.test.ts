import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { directoryStub, idleDropMs } from "../../worker/directory/chat-directory";
import type { ChatList } from "../../worker/protocol";
import { api, createChat, expectError, postJson } from "./helpers";

const from = (address: string) => ({ "CF-Connecting-IP": address });

describe("abuse limits per network address", () => {
	it("lets one address create 10 chats a minute, then answers 429 with Retry-After", async () => {
		const address = "198.18.0.10";
		for (let n = 0; n < 10; n++) {
			expect((await postJson("/api/chats", { name: `c${n}` }, from(address))).status).toBe(201);
		}
		const refused = await postJson("/api/chats", { name: "one too many" }, from(address));
		expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
		await expectError(refused, 429, "rate_limited");
		expect((await postJson("/api/chats", { name: "elsewhere" }, from("198.18.0.11"))).status).toBe(201);
	});

	it("lets one address take 60 tokens a minute, then answers 429 with Retry-After", async () => {
		const chat = await createChat();
		const address = "198.18.0.20";
		for (let n = 0; n < 60; n++) {
			const response = await postJson(`/api/chats/${chat.id}/tokens`, { name: `u${n}` }, from(address));
			expect(response.status).toBe(201);
		}
		const refused = await postJson(`/api/chats/${chat.id}/tokens`, { name: "u60" }, from(address));
		expect(refused.headers.get("Retry-After")).not.toBeNull();
		await expectError(refused, 429, "rate_limited");
		expect(
			(await postJson(`/api/chats/${chat.id}/tokens`, { name: "other" }, from("198.18.0.21"))).status,
		).toBe(201);
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
