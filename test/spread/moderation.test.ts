import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { RoomDiagnostics } from "../../worker/room/chat-room";
import { shardObject } from "../../worker/routing/shard-address";
import { api, bearer, createChat, joinToken, TestSocket } from "../worker/helpers";

// ROOM_SHARD_CAPACITY=1 (vitest.spread.config.ts): every socket after a chat's first has an object of its own.

describe("moderation in a chat spread over many objects", () => {
	it("closes a banned user's sockets on every object, and every shard then refuses them", async () => {
		expect(env.ROOM_SHARD_CAPACITY).toBe("1");
		const chat = await createChat();
		const owner = await joinToken(chat, "olga", chat.ownerKey);
		const watchers = [await TestSocket.open(chat.id, owner.token)];
		const bob = await joinToken(chat, "bob");
		const victims: TestSocket[] = [];
		for (let n = 0; n < 3; n++) {
			victims.push(await TestSocket.open(chat.id, bob.token));
			watchers.push(await TestSocket.open(chat.id, (await joinToken(chat, `w${n}`)).token));
		}
		const diagnostics = await api(`/api/chats/${chat.id}/diagnostics`, {
			headers: { "X-Chat-Key": chat.ownerKey },
		});
		expect((await diagnostics.json<RoomDiagnostics>()).shards).toBe(7);

		const ban = await api(`/api/chats/${chat.id}/bans`, {
			method: "POST",
			headers: { ...bearer(owner.token), "Content-Type": "application/json" },
			body: JSON.stringify({ userId: bob.user.id }),
		});
		expect(ban.status).toBe(201);
		for (const victim of victims) {
			await victim.until(() => victim.closed !== null, "the banned socket's close");
			expect(victim.closed?.code).toBe(4003);
			expect(victim.of("error")[0]?.code).toBe("banned");
		}
		for (const watcher of watchers) {
			const frame = await watcher.next("moderation");
			expect(frame).toMatchObject({ action: "banned", user: { id: bob.user.id } });
		}
		// Every object is full, so this upgrade is sent from shard to shard: each must refuse it.
		const upgrade = await api(`/api/chats/${chat.id}/ws?token=${encodeURIComponent(bob.token)}`, {
			headers: { Upgrade: "websocket" },
		});
		expect(upgrade.status).toBe(403);
		for (const watcher of watchers) watcher.close();
	});

	it("closes every socket on every object with 4004 when the chat is deleted, and erases the shards", async () => {
		const chat = await createChat();
		const owner = await joinToken(chat, "olga", chat.ownerKey);
		const sockets = [await TestSocket.open(chat.id, owner.token)];
		for (let n = 0; n < 3; n++)
			sockets.push(await TestSocket.open(chat.id, (await joinToken(chat, `u${n}`)).token));
		const response = await api(`/api/chats/${chat.id}`, { method: "DELETE", headers: bearer(owner.token) });
		expect(response.status).toBe(204);
		for (const socket of sockets) {
			await socket.until(() => socket.closed !== null, "the close");
			expect(socket.closed?.code).toBe(4004);
			expect(socket.of("error")[0]?.code).toBe("chat_deleted");
		}
		for (const index of [1, 2, 3]) {
			const stored = await runInDurableObject(shardObject(env, chat.id, index), (_shard, state) =>
				state.storage.kv.get("identity"),
			);
			expect(stored).toBeUndefined();
		}
		const again = await api(`/api/chats/${chat.id}/ws?token=${encodeURIComponent(owner.token)}`, {
			headers: { Upgrade: "websocket" },
		});
		expect(again.status).toBe(404);
	});

	it("brings new settings to sockets on shards, and greets later ones with them", async () => {
		const chat = await createChat({ name: "Spread settings" });
		const owner = await joinToken(chat, "olga", chat.ownerKey);
		const onRoot = await TestSocket.open(chat.id, owner.token);
		const onShard = await TestSocket.open(chat.id, (await joinToken(chat, "bob")).token);
		const response = await api(`/api/chats/${chat.id}`, {
			method: "PATCH",
			headers: { ...bearer(owner.token), "Content-Type": "application/json" },
			body: JSON.stringify({ name: "Renamed", readOnly: true }),
		});
		expect(response.status).toBe(200);
		for (const socket of [onRoot, onShard]) {
			expect((await socket.next("chat")).chat).toMatchObject({ name: "Renamed", readOnly: true });
		}
		const later = await TestSocket.open(chat.id, (await joinToken(chat, "carol")).token);
		expect((await later.next("ready")).chat).toMatchObject({ name: "Renamed", readOnly: true });
		for (const socket of [onRoot, onShard, later]) socket.close();
	});

	it("greets a promoted user as moderator on a shard, and as member again once demoted", async () => {
		const chat = await createChat();
		const owner = await joinToken(chat, "olga", chat.ownerKey);
		const first = await TestSocket.open(chat.id, owner.token);
		const mia = await joinToken(chat, "mia");
		const change = (method: string) =>
			api(`/api/chats/${chat.id}/moderators/${mia.user.id}`, { method, headers: bearer(owner.token) });
		expect((await change("PUT")).status).toBe(204);
		const promoted = await TestSocket.open(chat.id, mia.token);
		expect((await promoted.next("ready")).user.role).toBe("moderator");
		expect((await change("DELETE")).status).toBe(204);
		// The shard hears of it with the fan-out; a socket a moment later is a member's.
		await new Promise((done) => setTimeout(done, 100));
		const demoted = await TestSocket.open(chat.id, mia.token);
		expect((await demoted.next("ready")).user.role).toBe("member");
		for (const socket of [first, promoted, demoted]) socket.close();
	});
});
