import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createChat, diagnostics, joinToken, roomStub, sleep, TestSocket } from "./helpers";

describe("a room that hibernates", () => {
	it("still knows who each socket is: the attachment, not memory, is the source of truth", async () => {
		const chat = await createChat();
		const alice = await joinToken(chat, "alice");
		const aliceSocket = await TestSocket.open(chat.id, alice.token);
		const bobSocket = await TestSocket.open(chat.id, (await joinToken(chat, "bob")).token);
		const before = await diagnostics(chat);

		await evictDurableObject(roomStub(chat.id));

		aliceSocket.send({ type: "send", text: "after the nap" });
		const received = (await bobSocket.next("message")).message;
		expect(received).toMatchObject({
			seq: 1,
			text: "after the nap",
			user: { id: alice.user.id, name: "alice" },
		});
		const after = await diagnostics(chat);
		expect(after.instanceStartedAt).toBeGreaterThan(before.instanceStartedAt);
		expect(after.wakes).toBe(before.wakes + 1);
		expect(after.connections).toBe(2);
		expect(after.online).toBe(2);
		aliceSocket.close();
		bobSocket.close();
	});

	it("keeps each user's rate limit across the wake-up", async () => {
		const chat = await createChat();
		const socket = await TestSocket.open(chat.id, (await joinToken(chat)).token);
		for (let index = 0; index < 20; index++) socket.send({ type: "send", text: `m${index}` });
		await socket.until(() => socket.messages.length === 20, "20 messages");
		await evictDurableObject(roomStub(chat.id));
		socket.send({ type: "send", text: "one too many", clientId: "late" });
		expect(await socket.next("error")).toMatchObject({ code: "rate_limited", clientId: "late" });
		socket.close();
	});

	it("does not echo typing to the typist after waking", async () => {
		const chat = await createChat();
		const alice = await TestSocket.open(chat.id, (await joinToken(chat, "alice")).token);
		const bob = await TestSocket.open(chat.id, (await joinToken(chat, "bob")).token);
		await evictDurableObject(roomStub(chat.id));
		alice.send({ type: "typing" });
		await bob.next("typing");
		alice.send({ type: "send", text: "sync" });
		await alice.next("message");
		expect(alice.of("typing")).toEqual([]);
		alice.close();
		bob.close();
	});

	it("announces a leave that happens while the room sleeps", async () => {
		const chat = await createChat();
		const alice = await TestSocket.open(chat.id, (await joinToken(chat, "alice")).token);
		const bob = await TestSocket.open(chat.id, (await joinToken(chat, "bob")).token);
		await alice.until(() => alice.of("presence").some((frame) => frame.online === 2), "bob's join");
		await evictDurableObject(roomStub(chat.id));
		bob.close();
		await alice.until(
			() => alice.of("presence").some((frame) => frame.left.some((user) => user.name === "bob")),
			"bob's leave",
		);
		expect(alice.of("presence").at(-1)?.online).toBe(1);
		alice.close();
	});

	it("answers ping without waking the room", async () => {
		// Private: a public room would also wake once for its directory report, which is not under test.
		const chat = await createChat({ visibility: "private" });
		const socket = await TestSocket.open(chat.id, (await joinToken(chat)).token);
		const before = await diagnostics(chat);
		await evictDurableObject(roomStub(chat.id));
		socket.send("ping");
		await socket.until(() => socket.raw.includes("pong"), "pong");
		await sleep(20);
		const pongAt = Date.now();
		const after = await diagnostics(chat);
		// Only the diagnostics request itself woke the room: it started after the pong arrived.
		expect(after.wakes).toBe(before.wakes + 1);
		expect(after.instanceStartedAt).toBeGreaterThanOrEqual(pongAt);
		socket.close();
	});
});
