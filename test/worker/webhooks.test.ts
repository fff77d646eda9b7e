import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import type { WebhookCreated, WebhookStatus } from "../../worker/protocol";
import type { ChatRoom } from "../../worker/room/chat-room";
import { retryDelaySeconds } from "../../worker/webhooks/consumer";
import { webhookHeaders } from "../../worker/webhooks/signing";
import { checkWebhookUrl } from "../../worker/webhooks/url-rules";
import {
	api,
	bearer,
	createChat,
	expectError,
	joinToken,
	postMessage,
	roomStub,
	sleep,
	TestSocket,
} from "./helpers";

const apiKey = { "X-API-Key": "test-api-key-one" };
/** Nothing listens on port 1: every delivery is refused. */
const refusingUrl = "http://127.0.0.1:1/hook";

function putWebhook(chatId: string, body: unknown, headers: Record<string, string> = apiKey) {
	return api(`/api/chats/${chatId}/webhook`, {
		method: "PUT",
		headers: { "Content-Type": "application/json", ...headers },
		body: JSON.stringify(body),
	});
}

async function webhookStatus(chatId: string): Promise<WebhookStatus> {
	const response = await api(`/api/chats/${chatId}/webhook`, { headers: apiKey });
	expect(response.status).toBe(200);
	return response.json<WebhookStatus>();
}

type OutboxRow = { n: number; body: string; handed: number };

function outbox(chatId: string): Promise<OutboxRow[]> {
	return runInDurableObject(roomStub(chatId), (_room: ChatRoom, state) =>
		state.storage.sql.exec<OutboxRow>("SELECT n, body, handed FROM webhook_outbox ORDER BY n").toArray(),
	);
}

describe("webhook settings", () => {
	it("are set by the owner or an API key, with a secret shown once", async () => {
		const chat = await createChat();
		const owner = await joinToken(chat, "owner", chat.ownerKey);
		const response = await putWebhook(
			chat.id,
			{ url: refusingUrl, events: ["message.created"] },
			bearer(owner.token),
		);
		expect(response.status).toBe(200);
		const created = await response.json<WebhookCreated>();
		expect(created).toMatchObject({ url: refusingUrl, events: ["message.created"] });
		expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
		const status = await webhookStatus(chat.id);
		expect(status).toEqual({
			url: refusingUrl,
			events: ["message.created"],
			pending: 0,
			delivered: 0,
			failed: 0,
			lastError: null,
		});
		expect(JSON.stringify(status)).not.toContain(created.secret);
	});

	it("are refused to members and to anonymous callers", async () => {
		const chat = await createChat();
		const member = await joinToken(chat, "member");
		const body = { url: refusingUrl, events: ["message.created"] };
		await expectError(await putWebhook(chat.id, body, bearer(member.token)), 403, "forbidden");
		await expectError(await putWebhook(chat.id, body, {}), 401, "unauthorized");
		await expectError(await api(`/api/chats/${chat.id}/webhook`), 401, "unauthorized");
	});

	it("are removed with DELETE, after which GET answers 404", async () => {
		const chat = await createChat();
		await putWebhook(chat.id, { url: refusingUrl, events: ["chat.occupied"] });
		expect((await api(`/api/chats/${chat.id}/webhook`, { method: "DELETE", headers: apiKey })).status).toBe(
			204,
		);
		await expectError(await api(`/api/chats/${chat.id}/webhook`, { headers: apiKey }), 404, "not_found");
		await expectError(
			await api(`/api/chats/${chat.id}/webhook`, { method: "DELETE", headers: apiKey }),
			404,
			"not_found",
		);
	});

	it("refuse unknown events and URLs outside the rules", async () => {
		const chat = await createChat();
		await expectError(
			await putWebhook(chat.id, { url: refusingUrl, events: ["message.sent"] }),
			400,
			"bad_request",
		);
		await expectError(
			await putWebhook(chat.id, { url: "http://example.com/x", events: ["chat.occupied"] }),
			400,
			"bad_request",
		);
		await expectError(
			await putWebhook(chat.id, { url: "https://10.0.0.8/x", events: ["chat.occupied"] }),
			400,
			"bad_request",
		);
	});
});

describe("webhook URL rules", () => {
	it("allow only https: to public hosts in production", () => {
		expect(checkWebhookUrl("https://hooks.example.com/edgechat", false)).toMatchObject({ ok: true });
		for (const url of [
			"http://hooks.example.com/x",
			"http://127.0.0.1:8080/x",
			"https://127.0.0.1/x",
			"https://localhost/x",
			"https://10.1.2.3/x",
			"https://172.20.0.1/x",
			"https://192.168.1.1/x",
			"https://169.254.169.254/latest",
			"https://100.64.0.1/x",
			"https://[::1]/x",
			"https://[fd00::1]/x",
			"https://[fe80::1]/x",
			"https://printer.local/x",
			"https://user:pw@hooks.example.com/x",
			"ftp://hooks.example.com/x",
			"not a url",
		]) {
			expect(checkWebhookUrl(url, false), url).toMatchObject({ ok: false });
		}
	});

	it("allow plain http to the loopback host when local development says so", () => {
		expect(checkWebhookUrl("http://127.0.0.1:9999/hook", true)).toMatchObject({ ok: true });
		expect(checkWebhookUrl("http://localhost:9999/hook", true)).toMatchObject({ ok: true });
		expect(checkWebhookUrl("http://10.0.0.1/hook", true)).toMatchObject({ ok: false });
	});
});

describe("webhook signatures", () => {
	it("verify with the standardwebhooks library, as a receiver would", async () => {
		const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
		const body = JSON.stringify({
			id: "msg_1",
			type: "message.created",
			chatId: "c",
			createdAt: 1,
			data: {},
		});
		const headers = await webhookHeaders(secret, "msg_1", body);
		expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
		expect(new Webhook(secret).verify(body, headers)).toMatchObject({ id: "msg_1" });
		expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
	});

	it("back off exponentially between attempts", () => {
		expect([1, 2, 3, 4, 5].map(retryDelaySeconds)).toEqual([1, 2, 4, 8, 16]);
		expect(retryDelaySeconds(30)).toBe(300);
	});
});

describe("the webhook outbox", () => {
	it("stores each event with its change, survives an eviction, and is handed to the queue", async () => {
		const chat = await createChat();
		await putWebhook(chat.id, { url: refusingUrl, events: ["message.created", "message.deleted"] });
		const alice = await joinToken(chat, "alice");
		const { body } = await postMessage(chat.id, alice.token, "hello hooks");
		await evictDurableObject(roomStub(chat.id));
		const rows = await outbox(chat.id);
		expect(rows.length).toBe(1);
		const event = JSON.parse(rows[0]?.body ?? "{}");
		expect(event).toMatchObject({
			type: "message.created",
			chatId: chat.id,
			data: { message: { seq: body.message.seq, text: "hello hooks" } },
		});
		expect(event.id).toMatch(/^msg_/);
		// The receiver refuses: the consumer reports its failed attempt, the event stays pending.
		const deadline = Date.now() + 10_000;
		let status = await webhookStatus(chat.id);
		while (status.lastError === null && Date.now() < deadline) {
			await sleep(100);
			status = await webhookStatus(chat.id);
		}
		expect(status).toMatchObject({ pending: 1, delivered: 0, failed: 0 });
		expect(status.lastError).toMatch(/^connection failed|^HTTP 5/);
	});

	it("writes nothing for events the webhook does not want, nor for chats without one", async () => {
		const chat = await createChat();
		const alice = await joinToken(chat, "alice");
		await postMessage(chat.id, alice.token, "before any webhook");
		await putWebhook(chat.id, { url: refusingUrl, events: ["message.deleted"] });
		await postMessage(chat.id, alice.token, "not wanted");
		expect(await outbox(chat.id)).toEqual([]);
		const owner = await joinToken(chat, "owner", chat.ownerKey);
		expect(
			(await api(`/api/chats/${chat.id}/messages/1`, { method: "DELETE", headers: bearer(owner.token) }))
				.status,
		).toBe(204);
		const rows = await outbox(chat.id);
		expect(rows.map((row) => JSON.parse(row.body).type)).toEqual(["message.deleted"]);
		expect(JSON.parse(rows[0]?.body ?? "{}").data).toEqual({ seq: 1 });
	});

	it("hands a task again when it was lost with the queue (out for longer than the lease)", async () => {
		const chat = await createChat();
		await putWebhook(chat.id, { url: refusingUrl, events: ["message.created"] });
		// An event handed long ago whose task never came back: as after a queue that lost it.
		await runInDurableObject(roomStub(chat.id), (_room: ChatRoom, state) => {
			const body = JSON.stringify({
				id: "msg_lost",
				type: "message.created",
				chatId: chat.id,
				createdAt: 1,
				data: {},
			});
			state.storage.sql.exec(
				"INSERT INTO webhook_outbox (id, created_at, body, handed, handed_at) VALUES ('msg_lost', 1, ?, 1, 1)",
				body,
			);
		});
		await evictDurableObject(roomStub(chat.id));
		const deadline = Date.now() + 10_000;
		let status = await webhookStatus(chat.id);
		while (status.lastError === null && Date.now() < deadline) {
			await sleep(100);
			status = await webhookStatus(chat.id);
		}
		expect(status.lastError).toMatch(/^connection failed|^HTTP 5/);
		expect(status.pending).toBe(1);
	});

	it("records chat.occupied, member.joined, member.left and chat.vacated over the whole chat", async () => {
		const chat = await createChat();
		await putWebhook(chat.id, {
			url: refusingUrl,
			events: ["chat.occupied", "chat.vacated", "member.joined", "member.left"],
		});
		const ada = await TestSocket.open(chat.id, (await joinToken(chat, "ada")).token);
		const bob = await TestSocket.open(chat.id, (await joinToken(chat, "bob")).token);
		const types = async () => (await outbox(chat.id)).map((row) => JSON.parse(row.body).type as string);
		const joinedNames = async () =>
			(await outbox(chat.id))
				.map((row) => JSON.parse(row.body))
				.filter((event) => event.type === "member.joined")
				.flatMap((event) => event.data.users.map((user: { name: string }) => user.name));
		const deadline = Date.now() + 5000;
		while ((await joinedNames()).length < 2 && Date.now() < deadline) await sleep(20);
		expect((await joinedNames()).sort()).toEqual(["ada", "bob"]);
		ada.close();
		bob.close();
		while (!(await types()).includes("chat.vacated") && Date.now() < deadline) await sleep(20);
		while ((await types()).filter((type) => type === "member.left").length === 0 && Date.now() < deadline)
			await sleep(20);
		const seen = await types();
		expect(seen[0]).toBe("chat.occupied");
		expect(seen.filter((type) => type === "chat.occupied")).toHaveLength(1);
		expect(seen.filter((type) => type === "chat.vacated")).toHaveLength(1);
		expect(seen.indexOf("chat.vacated")).toBeGreaterThan(seen.lastIndexOf("member.joined"));
	});

	it("moves an event to the dead-letter queue after the last attempt and counts it as failed", async () => {
		const chat = await createChat();
		await putWebhook(chat.id, { url: refusingUrl, events: ["message.created"] });
		const alice = await joinToken(chat, "alice");
		await postMessage(chat.id, alice.token, "nobody will take this");
		// vitest.config.ts gives the queue 2 retries: three refused attempts, then the dead letters.
		const deadline = Date.now() + 15_000;
		let status = await webhookStatus(chat.id);
		while (status.failed === 0 && Date.now() < deadline) {
			await sleep(200);
			status = await webhookStatus(chat.id);
		}
		expect(status).toMatchObject({ pending: 0, delivered: 0, failed: 1 });
		expect(status.lastError).toMatch(/^connection failed|^HTTP 5/);
		expect(await outbox(chat.id)).toEqual([]);
	}, 30_000);
});
