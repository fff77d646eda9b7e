import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatInfo, ChatList, RotatedKey } from "../../worker/protocol";
import {
	api,
	bearer,
	call,
	createChat,
	expectError,
	joinToken,
	postJson,
	postMessage,
	roomStub,
	TestSocket,
} from "./helpers";

async function listed(chatId: string): Promise<boolean> {
	const { chats } = await (await api("/api/chats")).json<ChatList>();
	return chats.some((chat) => chat.id === chatId);
}

describe("chat settings", () => {
	it("lets the owner rename the chat and change its rules; every socket gets a chat frame", async () => {
		const chat = await createChat({ name: "Before" });
		const owner = await joinToken(chat, "olga", chat.ownerKey);
		const member = await joinToken(chat, "bob");
		const socket = await TestSocket.open(chat.id, member.token);
		const response = await call("PATCH", `/api/chats/${chat.id}`, owner.token, {
			name: "After",
			slowModeSeconds: 30,
			readOnly: false,
		});
		expect(response.status).toBe(200);
		expect(await response.json<ChatInfo>()).toMatchObject({
			id: chat.id,
			name: "After",
			slowModeSeconds: 30,
		});
		expect((await socket.next("chat")).chat).toEqual({
			id: chat.id,
			name: "After",
			visibility: "public",
			history: true,
			slowModeSeconds: 30,
		});
		await evictDurableObject(roomStub(chat.id));
		expect((await (await api(`/api/chats/${chat.id}`)).json<ChatInfo>()).name).toBe("After");
		const again = await TestSocket.open(chat.id, member.token);
		expect((await again.next("ready")).chat.slowModeSeconds).toBe(30);
		await expectError(
			await call("PATCH", `/api/chats/${chat.id}`, member.token, { name: "Mine" }),
			403,
			"forbidden",
		);
		await expectError(
			await call("PATCH", `/api/chats/${chat.id}`, owner.token, { slowModeSeconds: -1 }),
			400,
			"bad_request",
		);
		socket.close();
		again.close();
	});

	it("slow mode lets members send one message per N seconds, and spares the owner", async () => {
		const chat = await createChat();
		const owner = await joinToken(chat, "olga", chat.ownerKey);
		const member = await joinToken(chat, "bob");
		await call("PATCH", `/api/chats/${chat.id}`, owner.token, { slowModeSeconds: 60 });
		expect((await postMessage(chat.id, member.token, "first")).status).toBe(201);
		const second = await postJson(`/api/chats/${chat.id}/messages`, { text: "second" }, bearer(member.token));
		expect(second.headers.get("Retry-After")).not.toBeNull();
		const body = await second.clone().json<{ error: { retryAfterMs: number } }>();
		expect(body.error.retryAfterMs).toBeGreaterThan(50_000);
		await expectError(second, 429, "slow_mode");
		const socket = await TestSocket.open(chat.id, member.token);
		socket.send({ type: "send", text: "third", clientId: "c3" });
		expect(await socket.next("error")).toMatchObject({ code: "slow_mode", clientId: "c3" });
		expect((await postMessage(chat.id, owner.token, "o1")).status).toBe(201);
		expect((await postMessage(chat.id, owner.token, "o2")).status).toBe(201);
		socket.close();
	});

	it("read-only lets only the owner and moderators post", async () => {
		const chat = await createChat();
		const owner = await joinToken(chat, "olga", chat.ownerKey);
		const member = await joinToken(chat, "bob");
		const mia = await joinToken(chat, "mia");
		await call("PUT", `/api/chats/${chat.id}/moderators/${mia.user.id}`, owner.token);
		await call("PATCH", `/api/chats/${chat.id}`, owner.token, { readOnly: true });
		await expectError(
			await postJson(`/api/chats/${chat.id}/messages`, { text: "x" }, bearer(member.token)),
			403,
			"forbidden",
		);
		expect((await postMessage(chat.id, mia.token, "announcement")).status).toBe(201);
		expect((await postMessage(chat.id, owner.token, "from the owner")).status).toBe(201);
		await call("PATCH", `/api/chats/${chat.id}`, owner.token, { readOnly: false });
		expect((await postMessage(chat.id, member.token, "open again")).status).toBe(201);
	});

	it("making a chat private takes it out of the directory and hides it at once", async () => {
		const chat = await createChat();
		const owner = await joinToken(chat, "olga", chat.ownerKey);
		expect(await listed(chat.id)).toBe(true);
		await call("PATCH", `/api/chats/${chat.id}`, owner.token, { visibility: "private" });
		expect(await listed(chat.id)).toBe(false);
		await expectError(await api(`/api/chats/${chat.id}`), 404, "not_found");
		await expectError(await postJson(`/api/chats/${chat.id}/tokens`, { name: "eve" }), 404, "not_found");
		await call("PATCH", `/api/chats/${chat.id}`, owner.token, { visibility: "public" });
		expect(await listed(chat.id)).toBe(true);
	});
});

describe("key rotation", () => {
	it("gives a new invite key once; the old one stops working at once", async () => {
		const chat = await createChat({ visibility: "private" });
		const owner = await joinToken(chat, "olga", chat.ownerKey);
		await api(`/api/chats/${chat.id}`, { headers: { "X-Chat-Key": chat.inviteKey ?? "" } });
		const response = await call("POST", `/api/chats/${chat.id}/keys`, owner.token, { which: "invite" });
		expect(response.status).toBe(201);
		const { which, key } = await response.json<RotatedKey>();
		expect(which).toBe("invite");
		expect(key).not.toBe(chat.inviteKey);
		await expectError(
			await postJson(`/api/chats/${chat.id}/tokens`, { name: "eve", key: chat.inviteKey }),
			404,
			"not_found",
		);
		await expectError(
			await api(`/api/chats/${chat.id}`, { headers: { "X-Chat-Key": chat.inviteKey ?? "" } }),
			404,
			"not_found",
		);
		expect((await postJson(`/api/chats/${chat.id}/tokens`, { name: "amy", key })).status).toBe(201);
	});

	it("rotates the owner key: the old one grants nothing any more; members may not rotate", async () => {
		const chat = await createChat();
		const owner = await joinToken(chat, "olga", chat.ownerKey);
		const member = await joinToken(chat, "bob");
		await expectError(
			await call("POST", `/api/chats/${chat.id}/keys`, member.token, { which: "owner" }),
			403,
			"forbidden",
		);
		await expectError(
			await call("POST", `/api/chats/${chat.id}/keys`, owner.token, { which: "guest" }),
			400,
			"bad_request",
		);
		const { key } = await (
			await call("POST", `/api/chats/${chat.id}/keys`, owner.token, { which: "owner" })
		).json<RotatedKey>();
		await expectError(
			await postJson(`/api/chats/${chat.id}/tokens`, { name: "x", key: chat.ownerKey }),
			403,
			"forbidden",
		);
		const fresh = await postJson(`/api/chats/${chat.id}/tokens`, { name: "olga", key });
		expect((await fresh.json<{ user: { role: string } }>()).user.role).toBe("owner");
	});
});

describe("deleting a chat", () => {
	it("closes every socket with 4004, erases it, drops it from the directory, and answers 404 after", async () => {
		const chat = await createChat();
		const owner = await joinToken(chat, "olga", chat.ownerKey);
		const member = await joinToken(chat, "bob");
		await postMessage(chat.id, member.token, "soon gone");
		const sockets = [
			await TestSocket.open(chat.id, owner.token),
			await TestSocket.open(chat.id, member.token),
		];
		await expectError(await call("DELETE", `/api/chats/${chat.id}`, member.token), 403, "forbidden");
		expect((await call("DELETE", `/api/chats/${chat.id}`, owner.token)).status).toBe(204);
		for (const socket of sockets) {
			await socket.until(() => socket.closed !== null, "the close");
			expect(socket.closed?.code).toBe(4004);
			expect(socket.of("error")[0]?.code).toBe("chat_deleted");
		}
		expect(await listed(chat.id)).toBe(false);
		await expectError(await api(`/api/chats/${chat.id}`), 404, "not_found");
		await expectError(await api(`/api/chats/${chat.id}/messages`), 404, "not_found");
		await expectError(await postJson(`/api/chats/${chat.id}/tokens`, { name: "x" }), 404, "not_found");
		await expectError(
			await postJson(`/api/chats/${chat.id}/messages`, { text: "x" }, bearer(member.token)),
			404,
			"not_found",
		);
		const upgrade = await api(`/api/chats/${chat.id}/ws?token=${encodeURIComponent(member.token)}`, {
			headers: { Upgrade: "websocket" },
		});
		await expectError(upgrade, 404, "not_found");
		await expectError(await call("DELETE", `/api/chats/${chat.id}`, owner.token), 404, "not_found");
	});
});
