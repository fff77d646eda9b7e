import { describe, expect, it } from "vitest";
import type { UserRef } from "../../worker/protocol";
import { bearer, createChat, joinToken, postJson, sleep, TestSocket } from "./helpers";

const presenceWindowMs = 40; // PRESENCE_WINDOW_MS in vitest.config.ts

describe("presence", () => {
	it("counts a user with several sockets once: joined on the first, left on the last", async () => {
		const chat = await createChat();
		const watcher = await TestSocket.open(chat.id, (await joinToken(chat, "watcher")).token);
		const carol = await joinToken(chat, "carol");
		const tab1 = await TestSocket.open(chat.id, carol.token);
		const tab2 = await TestSocket.open(chat.id, carol.token);
		expect(tab2.frames[0]).toMatchObject({ type: "ready", onlineCount: 2 });
		await watcher.until(() => watcher.of("presence").some((frame) => frame.online === 2), "carol online");
		tab1.close();
		await sleep(presenceWindowMs * 4);
		expect(watcher.of("presence").flatMap((frame) => frame.left)).toEqual([]);
		tab2.close();
		await watcher.until(() => watcher.of("presence").some((frame) => frame.left.length > 0), "carol's leave");
		const joined = watcher.of("presence").flatMap((frame) => frame.joined.map((user) => user.name));
		expect(joined.filter((name) => name === "carol")).toEqual(["carol"]);
		expect(watcher.of("presence").at(-1)).toEqual({
			type: "presence",
			joined: [],
			left: [{ id: carol.user.id, name: "carol" }],
			online: 1,
		});
		watcher.close();
	});

	it("keeps a join storm at O(N) frames: one presence frame per window, not one per join", async () => {
		const chat = await createChat();
		const users = 80;
		const tokens = await Promise.all(
			Array.from({ length: users }, (_, index) =>
				joinToken(chat, `user${index}`).then((issued) => issued.token),
			),
		);
		const startedAt = Date.now();
		const sockets = await Promise.all(tokens.map((token) => TestSocket.open(chat.id, token)));
		const [first] = sockets;
		if (!first) throw new Error("no sockets");
		await first.until(() => first.of("presence").at(-1)?.online === users, "everyone online");
		await sleep(presenceWindowMs * 3);

		// Every join is announced once, and each socket got at most one frame per window it lived through.
		const announced = first.of("presence").flatMap((frame) => frame.joined.map((user: UserRef) => user.name));
		expect(new Set(announced).size).toBe(announced.length);
		expect(announced).toHaveLength(users);
		const windows = Math.ceil((Date.now() - startedAt) / presenceWindowMs) + 1;
		const totalPresenceFrames = sockets.reduce((sum, socket) => sum + socket.of("presence").length, 0);
		expect(totalPresenceFrames).toBeLessThanOrEqual(users * windows);
		// Announcing each join to everyone present would have cost N(N-1)/2 frames.
		expect(totalPresenceFrames).toBeLessThan((users * (users - 1)) / 2);
		for (const socket of sockets) socket.close();
	});

	it("lists who is online in ready", async () => {
		const chat = await createChat();
		const alice = await TestSocket.open(chat.id, (await joinToken(chat, "alice")).token);
		const bob = await TestSocket.open(chat.id, (await joinToken(chat, "bob")).token);
		const ready = bob.frames[0];
		expect(ready?.type === "ready" && ready.online.map((user) => user.name).sort()).toEqual(["alice", "bob"]);
		alice.close();
		bob.close();
	});

	it("shows a new name at once, even while the old name's other tab stays open", async () => {
		const chat = await createChat();
		const watcher = await TestSocket.open(chat.id, (await joinToken(chat, "watcher")).token);
		const carol = await joinToken(chat, "carol");
		const oldTab = await TestSocket.open(chat.id, carol.token);
		await watcher.until(() => watcher.of("presence").some((frame) => frame.online === 2), "carol online");
		const renamed = await postJson(`/api/chats/${chat.id}/tokens`, { name: "caroline" }, bearer(carol.token));
		expect(renamed.status).toBe(201);
		const newTab = await TestSocket.open(chat.id, (await renamed.json<{ token: string }>()).token);
		await watcher.until(
			() => watcher.of("presence").some((frame) => frame.joined.some((user) => user.name === "caroline")),
			"the new name",
		);
		const frame = watcher.of("presence").at(-1);
		expect(frame?.joined).toEqual([{ id: carol.user.id, name: "caroline" }]);
		expect(frame?.online).toBe(2);
		for (const socket of [watcher, oldTab, newTab]) socket.close();
	});
});
