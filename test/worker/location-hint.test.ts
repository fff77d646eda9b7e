import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatWithConnections } from "../../worker/protocol";
import {
	api,
	createChat,
	diagnostics,
	expectError,
	joinToken,
	postJson,
	postMessage,
	roomStub,
	TestSocket,
	until,
} from "./helpers";

describe("a chat placed in a region (locationHint)", () => {
	it("is created with the hint it asked for, and shows it", async () => {
		const chat = await createChat({ name: "Tokyo watch party", locationHint: "apac" });
		expect(chat.locationHint).toBe("apac");
		const shown = await (await api(`/api/chats/${chat.id}`)).json<ChatWithConnections>();
		expect(shown).toMatchObject({
			id: chat.id,
			name: "Tokyo watch party",
			locationHint: "apac",
			connections: 0,
		});
	});

	it("shows no hint when none was given", async () => {
		const chat = await createChat();
		expect(chat).not.toHaveProperty("locationHint");
		const shown = await (await api(`/api/chats/${chat.id}`)).json<ChatWithConnections>();
		expect(shown).not.toHaveProperty("locationHint");
	});

	it.each([
		["an unknown region", "mars"],
		["a hint in capitals", "APAC"],
		["a number", 3],
	])("refuses %s with 400 bad_request naming the regions", async (_what, locationHint) => {
		const message = await expectError(
			await postJson("/api/chats", { name: "ok", locationHint }),
			400,
			"bad_request",
		);
		expect(message).toBe("locationHint: must be one of wnam, enam, sam, weur, eeur, apac, oc, afr, me");
	});

	it("counts the root's sockets in the root's region in diagnostics, and in default without a hint", async () => {
		const placed = await createChat({ locationHint: "weur" });
		const unplaced = await createChat();
		expect((await diagnostics(placed)).regions).toEqual({});
		const sockets = [
			await TestSocket.open(placed.id, (await joinToken(placed, "ann")).token),
			await TestSocket.open(unplaced.id, (await joinToken(unplaced, "ben")).token),
		];
		expect((await diagnostics(placed)).regions).toEqual({ weur: { shards: 1, connections: 1 } });
		expect((await diagnostics(unplaced)).regions).toEqual({ default: { shards: 1, connections: 1 } });
		for (const socket of sockets) socket.close();
		await until(async () => (await diagnostics(placed)).connections === 0, "the socket counted out");
		expect((await diagnostics(placed)).regions).toEqual({});
	});

	it("still opens a chat stored before location hints existed", async () => {
		const chat = await createChat({ name: "Older" });
		await runInDurableObject(roomStub(chat.id), (_room, state) => {
			state.storage.sql.exec("ALTER TABLE room DROP COLUMN location_hint");
		});
		await evictDurableObject(roomStub(chat.id));
		const shown = await api(`/api/chats/${chat.id}`);
		expect(shown.status).toBe(200);
		expect(await shown.json()).toMatchObject({ name: "Older" });
		expect((await postMessage(chat.id, (await joinToken(chat, "ann")).token, "still here")).status).toBe(201);
	});
});
