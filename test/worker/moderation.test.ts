import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { BanList, CreatedChat, IssuedToken, ModeratorList } from "../../worker/protocol";
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
	sleep,
	TestSocket,
	tokenFrom,
} from "./helpers";

async function ownerOf(chat: CreatedChat): Promise<IssuedToken> {
	return joinToken(chat, "olga", chat.ownerKey);
}

async function promote(chat: CreatedChat, owner: string, userId: string): Promise<void> {
	expect((await call("PUT", `/api/chats/${chat.id}/moderators/${userId}`, owner)).status).toBe(204);
}

async function refusedUpgrade(chatId: string, token: string): Promise<Response> {
	return api(`/api/chats/${chatId}/ws?token=${encodeURIComponent(token)}`, {
		headers: { Upgrade: "websocket" },
	});
}

describe("roles: owner, moderator, member", () => {
	it("lets the owner name a moderator, whose new tokens and sockets carry the role", async () => {
		const chat = await createChat();
		const owner = await ownerOf(chat);
		const mia = await joinToken(chat, "mia");
		expect(mia.user.role).toBe("member");
		await promote(chat, owner.token, mia.user.id);

		const list = await call("GET", `/api/chats/${chat.id}/moderators`, mia.token);
		expect(list.status).toBe(200);
		expect(await list.json<ModeratorList>()).toEqual({ moderators: [{ userId: mia.user.id, name: "mia" }] });

		const refreshed = await (await tokenFrom(chat, "mia", { previous: mia.token })).json<IssuedToken>();
		expect(refreshed.user).toEqual({ id: mia.user.id, name: "mia", role: "moderator" });
		// Even the old member token gets the role on its socket: the chat's own list decides.
		const socket = await TestSocket.open(chat.id, mia.token);
		expect((await socket.next("ready")).user.role).toBe("moderator");
		socket.close();
	});

	it("refuses to let members and moderators manage moderators, and names unknown users", async () => {
		const chat = await createChat();
		const owner = await ownerOf(chat);
		const mia = await joinToken(chat, "mia");
		const bob = await joinToken(chat, "bob");
		await expectError(
			await call("PUT", `/api/chats/${chat.id}/moderators/${mia.user.id}`, bob.token),
			403,
			"forbidden",
		);
		await promote(chat, owner.token, mia.user.id);
		await expectError(
			await call("PUT", `/api/chats/${chat.id}/moderators/${bob.user.id}`, mia.token),
			403,
			"forbidden",
		);
		await expectError(
			await call("PUT", `/api/chats/${chat.id}/moderators/u000000000000000`, owner.token),
			404,
			"not_found",
		);
		await expectError(
			await call("PUT", `/api/chats/${chat.id}/moderators/nobody`, owner.token),
			400,
			"bad_request",
		);
		await expectError(
			await call("PUT", `/api/chats/${chat.id}/moderators/${mia.user.id}`, "x"),
			401,
			"unauthorized",
		);
	});

	it("takes a demoted moderator's powers away at once, whatever their token says", async () => {
		const chat = await createChat();
		const owner = await ownerOf(chat);
		const mia = await joinToken(chat, "mia");
		const bob = await joinToken(chat, "bob");
		await promote(chat, owner.token, mia.user.id);
		const moderatorToken = (await (await tokenFrom(chat, "mia", { previous: mia.token })).json<IssuedToken>())
			.token;
		const first = await postMessage(chat.id, bob.token, "one");
		const second = await postMessage(chat.id, bob.token, "two");

		expect(
			(await call("DELETE", `/api/chats/${chat.id}/messages/${first.body.message.seq}`, moderatorToken))
				.status,
		).toBe(204);
		expect(
			(await call("DELETE", `/api/chats/${chat.id}/moderators/${mia.user.id}`, owner.token)).status,
		).toBe(204);
		await expectError(
			await call("DELETE", `/api/chats/${chat.id}/messages/${second.body.message.seq}`, moderatorToken),
			403,
			"forbidden",
		);
		const list = await (
			await call("GET", `/api/chats/${chat.id}/moderators`, owner.token)
		).json<ModeratorList>();
		expect(list.moderators).toEqual([]);
	});

	it("lets a moderator delete anyone's message over the socket, and keeps moderators across an eviction", async () => {
		const chat = await createChat();
		const owner = await ownerOf(chat);
		const mia = await joinToken(chat, "mia");
		const bob = await joinToken(chat, "bob");
		await promote(chat, owner.token, mia.user.id);
		await evictDurableObject(roomStub(chat.id));
		const posted = await postMessage(chat.id, bob.token, "spam");
		const socket = await TestSocket.open(chat.id, mia.token);
		socket.send({ type: "delete", seq: posted.body.message.seq });
		expect((await socket.next("deleted")).seq).toBe(posted.body.message.seq);
		const theirs = await postMessage(chat.id, mia.token, "the moderator's");
		const member = await TestSocket.open(chat.id, bob.token);
		member.send({ type: "delete", seq: theirs.body.message.seq });
		expect((await member.next("error")).code).toBe("forbidden");
		socket.close();
		member.close();
	});
});

describe("kick, mute and ban", () => {
	it("kicks: everyone sees it, the user's sockets get kicked and close with 4001, and they may come back", async () => {
		const chat = await createChat();
		const owner = await ownerOf(chat);
		const watcher = await TestSocket.open(chat.id, owner.token);
		const bob = await joinToken(chat, "bob");
		const victim = await TestSocket.open(chat.id, bob.token);
		const second = await TestSocket.open(chat.id, bob.token);

		const kick = await call("POST", `/api/chats/${chat.id}/kicks`, owner.token, {
			userId: bob.user.id,
			reason: "calm down",
		});
		expect(kick.status).toBe(204);
		for (const socket of [victim, second]) {
			await socket.until(() => socket.closed !== null, "the close");
			expect(socket.closed?.code).toBe(4001);
			expect(socket.of("error").map((frame) => frame.code)).toEqual(["kicked"]);
			expect(socket.of("moderation")[0]).toMatchObject({ action: "kicked", reason: "calm down" });
		}
		const seen = await watcher.next("moderation");
		expect(seen).toEqual({
			type: "moderation",
			action: "kicked",
			user: { id: bob.user.id, name: "bob" },
			by: { id: owner.user.id, name: "olga" },
			reason: "calm down",
		});
		const back = await TestSocket.open(chat.id, bob.token);
		back.close();
		watcher.close();
	});

	it("mutes: the user still reads, sends are refused over the socket and HTTP, until unmuted", async () => {
		const chat = await createChat();
		const owner = await ownerOf(chat);
		const bob = await joinToken(chat, "bob");
		const muted = await TestSocket.open(chat.id, bob.token);
		const response = await call("POST", `/api/chats/${chat.id}/mutes`, owner.token, {
			userId: bob.user.id,
			seconds: 600,
		});
		expect(response.status).toBe(201);
		const { mute } = await response.json<{ mute: BanList["bans"][number] }>();
		expect(mute).toMatchObject({ userId: bob.user.id, name: "bob", reason: null, by: { id: owner.user.id } });
		expect(mute.until).toBeGreaterThan(Date.now() + 590_000);
		const frame = await muted.next("moderation");
		expect(frame).toMatchObject({ action: "muted", until: mute.until });

		muted.send({ type: "send", text: "let me speak", clientId: "m1" });
		expect(await muted.next("error")).toMatchObject({ code: "muted", clientId: "m1" });
		await expectError(
			await postJson(`/api/chats/${chat.id}/messages`, { text: "hi" }, bearer(bob.token)),
			403,
			"muted",
		);
		await postMessage(chat.id, owner.token, "still readable");
		await muted.until(
			() => muted.messages.some((message) => message.text === "still readable"),
			"the owner's message",
		);

		await evictDurableObject(roomStub(chat.id));
		await expectError(
			await postJson(`/api/chats/${chat.id}/messages`, { text: "hi" }, bearer(bob.token)),
			403,
			"muted",
		);
		expect((await call("DELETE", `/api/chats/${chat.id}/mutes/${bob.user.id}`, owner.token)).status).toBe(
			204,
		);
		await expectError(
			await call("DELETE", `/api/chats/${chat.id}/mutes/${bob.user.id}`, owner.token),
			404,
			"not_found",
		);
		expect((await postMessage(chat.id, bob.token, "free again")).status).toBe(201);
		muted.close();
	});

	it("ends a timed mute by itself", async () => {
		const chat = await createChat();
		const owner = await ownerOf(chat);
		const bob = await joinToken(chat, "bob");
		await call("POST", `/api/chats/${chat.id}/mutes`, owner.token, { userId: bob.user.id, seconds: 1 });
		expect((await postMessage(chat.id, bob.token, "too soon")).status).toBe(403);
		await sleep(1100);
		expect((await postMessage(chat.id, bob.token, "now")).status).toBe(201);
	});

	it("bans: sockets close with 4003, tokens, refreshes, upgrades and new identities from the address get 403", async () => {
		const chat = await createChat();
		const owner = await ownerOf(chat);
		const watcher = await TestSocket.open(chat.id, owner.token);
		const bob = await (await tokenFrom(chat, "bob", { address: "203.0.113.7" })).json<IssuedToken>();
		const victim = await TestSocket.open(chat.id, bob.token);
		const response = await call("POST", `/api/chats/${chat.id}/bans`, owner.token, {
			userId: bob.user.id,
			reason: "spam",
		});
		expect(response.status).toBe(201);
		expect((await response.json<{ ban: unknown }>()).ban).toEqual({
			userId: bob.user.id,
			name: "bob",
			until: null,
			reason: "spam",
			by: { id: owner.user.id, name: "olga" },
		});
		await victim.until(() => victim.closed !== null, "the close");
		expect(victim.closed?.code).toBe(4003);
		expect(victim.of("error")[0]?.code).toBe("banned");
		expect((await watcher.next("moderation")).action).toBe("banned");

		await evictDurableObject(roomStub(chat.id));
		await expectError(await tokenFrom(chat, "bob", { previous: bob.token }), 403, "banned");
		await expectError(await refusedUpgrade(chat.id, bob.token), 403, "banned");
		await expectError(
			await postJson(`/api/chats/${chat.id}/messages`, { text: "x" }, bearer(bob.token)),
			403,
			"banned",
		);
		await expectError(await tokenFrom(chat, "bob2", { address: "203.0.113.7" }), 403, "banned");
		expect((await tokenFrom(chat, "carol", { address: "198.51.100.1" })).status).toBe(201);

		const bans = await (await call("GET", `/api/chats/${chat.id}/bans`, owner.token)).json<BanList>();
		expect(bans.bans.map((ban) => ban.userId)).toEqual([bob.user.id]);
		expect(JSON.stringify(bans)).not.toContain("203.0.113.7");

		expect((await call("DELETE", `/api/chats/${chat.id}/bans/${bob.user.id}`, owner.token)).status).toBe(204);
		expect((await watcher.next("moderation", 1)).action).toBe("unbanned");
		expect((await tokenFrom(chat, "bob", { previous: bob.token })).status).toBe(201);
		const back = await TestSocket.open(chat.id, bob.token);
		back.close();
		watcher.close();
	});

	it("never stores the network address, only a digest of it", async () => {
		const chat = await createChat();
		await tokenFrom(chat, "bob", { address: "192.0.2.55" });
		const { runInDurableObject } = await import("cloudflare:test");
		// Known users are written a moment after they are noted (a join's answer waits for no write).
		const dump = await vi.waitFor(async () => {
			const rows = await runInDurableObject(roomStub(chat.id), (_room, state) =>
				JSON.stringify(state.storage.sql.exec("SELECT * FROM known_users").toArray()),
			);
			expect(rows).toContain("bob");
			return rows;
		});
		expect(dump).not.toContain("192.0.2.55");
	});

	it("lets moderators act on members only, and members on nobody", async () => {
		const chat = await createChat();
		const owner = await ownerOf(chat);
		const mia = await joinToken(chat, "mia");
		const max = await joinToken(chat, "max");
		const bob = await joinToken(chat, "bob");
		await promote(chat, owner.token, mia.user.id);
		await promote(chat, owner.token, max.user.id);
		for (const path of ["kicks", "mutes", "bans"]) {
			await expectError(
				await call("POST", `/api/chats/${chat.id}/${path}`, bob.token, { userId: mia.user.id }),
				403,
				"forbidden",
			);
			await expectError(
				await call("POST", `/api/chats/${chat.id}/${path}`, mia.token, { userId: max.user.id }),
				403,
				"forbidden",
			);
			await expectError(
				await call("POST", `/api/chats/${chat.id}/${path}`, mia.token, { userId: owner.user.id }),
				403,
				"forbidden",
			);
			await expectError(
				await call("POST", `/api/chats/${chat.id}/${path}`, mia.token, { userId: "bad" }),
				400,
				"bad_request",
			);
		}
		await expectError(
			await call("POST", `/api/chats/${chat.id}/mutes`, mia.token, { userId: bob.user.id, seconds: 0 }),
			400,
			"bad_request",
		);
		expect(
			(await call("POST", `/api/chats/${chat.id}/mutes`, mia.token, { userId: bob.user.id })).status,
		).toBe(201);
		await expectError(await call("GET", `/api/chats/${chat.id}/bans`, bob.token), 403, "forbidden");
		expect((await call("GET", `/api/chats/${chat.id}/bans`, mia.token)).status).toBe(200);
	});
});
