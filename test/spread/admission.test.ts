import { describe, expect, it } from "vitest";
import type { IssuedToken } from "../../worker/protocol";
import {
	call,
	createChat,
	diagnostics,
	expectError,
	joinToken,
	postJson,
	TestSocket,
	tokenFrom,
	until,
} from "../worker/helpers";
import { captureLogs } from "../worker/log-capture";

// This file runs with ROOM_SHARD_CAPACITY=1 (vitest.spread.config.ts): the first socket of a
// chat fills its root, and every further one goes to a shard of its own.
const logs = captureLogs();

/** Which objects admitted this chat's tokens so far: how many the root did, how many its shards. */
function admittedBy(chatId: string): { root: number; shard: number } {
	const lines = logs.events("metric").filter((line) => line.metric === "token" && line.chatId === chatId);
	return {
		root: lines.filter((line) => line.detail === "root").length,
		shard: lines.filter((line) => line.detail === "shard").length,
	};
}

/** A chat whose root is full and whose joins now go to a shard that holds a socket. */
async function spreadChat(body: Parameters<typeof createChat>[0] = {}) {
	const chat = await createChat(body);
	const owner = await joinToken(chat, "olga", chat.ownerKey);
	const sockets = [
		await TestSocket.open(chat.id, owner.token),
		await TestSocket.open(chat.id, (await joinToken(chat, "sam")).token),
	];
	return { chat, owner, sockets };
}

describe("tokens of a spread chat", () => {
	it("are admitted by the shard the joins go to, not by the root", async () => {
		const { chat, sockets } = await spreadChat();
		const before = admittedBy(chat.id);
		const tokens = await Promise.all([1, 2, 3, 4, 5].map((n) => joinToken(chat, `guest${n}`)));
		expect(new Set(tokens.map((token) => token.user.id)).size).toBe(5);
		const after = admittedBy(chat.id);
		expect(after.shard - before.shard).toBe(5);
		expect(after.root).toBe(before.root);
		await logs.closeAll(sockets);
	});

	it("stop at a shard's door at once for a rotated invite key, and private stays invisible", async () => {
		const { chat, owner, sockets } = await spreadChat({ visibility: "private" });
		const shardBefore = admittedBy(chat.id).shard;
		expect((await tokenFrom(chat, "amy")).status).toBe(201);
		expect(admittedBy(chat.id).shard).toBe(shardBefore + 1);

		const rotated = await call("POST", `/api/chats/${chat.id}/keys`, owner.token, { which: "invite" });
		expect(rotated.status).toBe(201);
		const { key } = await rotated.json<{ key: string }>();
		// The old key at the shard's door: the same 404 as a chat that does not exist.
		const stale = await tokenFrom(chat, "amy", { key: chat.inviteKey });
		const absent = await postJson("/api/chats/AAAAAAAAAAAAAAAA/tokens", { name: "amy", key: chat.inviteKey });
		expect(stale.status).toBe(404);
		expect(await stale.json()).toEqual(await absent.json());
		expect((await tokenFrom(chat, "amy", { key })).status).toBe(201);
		expect(admittedBy(chat.id).shard).toBe(shardBefore + 3);
		await logs.closeAll(sockets);
	});

	it("stop at a shard's door at once when a public chat is made private", async () => {
		const { chat, owner, sockets } = await spreadChat();
		expect((await postJson(`/api/chats/${chat.id}/tokens`, { name: "amy" })).status).toBe(201);
		const changed = await call("PATCH", `/api/chats/${chat.id}`, owner.token, { visibility: "private" });
		expect(changed.status).toBe(200);
		await expectError(await postJson(`/api/chats/${chat.id}/tokens`, { name: "amy" }), 404, "not_found");
		await logs.closeAll(sockets);
	});

	it("refuse at a shard's door at once a banned user, and new identities from their address", async () => {
		const { chat, owner, sockets } = await spreadChat();
		const bob = await (await tokenFrom(chat, "bob", { address: "203.0.113.90" })).json<IssuedToken>();
		const shardBefore = admittedBy(chat.id).shard;
		// Bob was let in by a shard a moment ago: the root still finds him to ban.
		const ban = await call("POST", `/api/chats/${chat.id}/bans`, owner.token, { userId: bob.user.id });
		expect(ban.status).toBe(201);

		await expectError(await tokenFrom(chat, "bob", { previous: bob.token }), 403, "banned");
		await expectError(await tokenFrom(chat, "bobby", { address: "203.0.113.90" }), 403, "banned");
		expect((await tokenFrom(chat, "carol", { address: "198.51.100.4" })).status).toBe(201);
		expect(admittedBy(chat.id).shard).toBe(shardBefore + 3);

		const lifted = await call("DELETE", `/api/chats/${chat.id}/bans/${bob.user.id}`, owner.token);
		expect(lifted.status).toBe(204);
		expect((await tokenFrom(chat, "bobby", { address: "203.0.113.90" })).status).toBe(201);
		await logs.closeAll(sockets);
	});

	it("carry the role the chat's list gives at a shard's door, a demotion at once", async () => {
		const { chat, owner, sockets } = await spreadChat();
		const mia = await joinToken(chat, "mia");
		const moderators = `/api/chats/${chat.id}/moderators/${mia.user.id}`;
		expect((await call("PUT", moderators, owner.token)).status).toBe(204);
		const promoted = await (await tokenFrom(chat, "mia", { previous: mia.token })).json<IssuedToken>();
		expect(promoted.user.role).toBe("moderator");
		expect((await call("DELETE", moderators, owner.token)).status).toBe(204);
		const demoted = await (await tokenFrom(chat, "mia", { previous: mia.token })).json<IssuedToken>();
		expect(demoted.user.role).toBe("member");
		await logs.closeAll(sockets);
	});

	it("go to the root again once the shard holds no sockets", async () => {
		const { chat, sockets } = await spreadChat();
		const [root, shard] = sockets;
		if (!root || !shard) throw new Error("two sockets");
		await logs.closeAll([shard]);
		// Until the root hears that the shard emptied, it still sends it every batch, and the shard
		// may still answer; from then on, the root does.
		await until(async () => (await diagnostics(chat)).shards === 1, "the shard's report that it emptied");
		const before = admittedBy(chat.id);
		await joinToken(chat, "late");
		const after = admittedBy(chat.id);
		expect(after.root).toBe(before.root + 1);
		expect(after.shard).toBe(before.shard);
		await logs.closeAll([root]);
	});
});
