import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
	bearer,
	call,
	createChat,
	diagnostics,
	expectWhole,
	joinToken,
	postMany,
	roomStub,
	type TestSocket,
	until,
} from "../worker/helpers";
import {
	apiFrom,
	joinFrom,
	openFrom,
	type Place,
	places,
	regionalShard,
	socketsHeldBy,
	tokenAskedFrom,
	untilRegions,
} from "./places";

// ROOM_SHARD_CAPACITY=3 and ROOM_FANOUT_DIRECT_MAX=2 (vitest.regions.config.ts): with shards in
// three regions the root calls two of them, and the third region is reached through a relay.

/** A chat whose root is full and whose further listeners are four each in Tokyo, Paris and Seattle. */
async function worldChat() {
	const chat = await createChat();
	const local: TestSocket[] = [];
	for (let n = 0; n < 3; n++) local.push(await joinFrom(chat, `local${n}`, null));
	const byCity: Record<"tokyo" | "paris" | "seattle", TestSocket[]> = { tokyo: [], paris: [], seattle: [] };
	for (const city of ["tokyo", "paris", "seattle"] as const) {
		for (let n = 0; n < 4; n++) byCity[city].push(await joinFrom(chat, `${city}${n}`, places[city]));
	}
	await untilRegions(chat, {
		default: { shards: 1, connections: 3 },
		apac: { shards: 2, connections: 4 },
		weur: { shards: 2, connections: 4 },
		wnam: { shards: 2, connections: 4 },
	});
	return { chat, local, byCity, all: [...local, ...byCity.tokyo, ...byCity.paris, ...byCity.seattle] };
}

describe("a chat with listeners in three regions", () => {
	it("delivers every message to every listener once, in one order", async () => {
		const { all, byCity } = await worldChat();
		// Sent from sockets in each region and from the root's own, five each.
		const senders = [all[0], byCity.tokyo[3], byCity.paris[0], byCity.seattle[2]];
		senders.forEach((socket, index) => {
			for (let n = 0; n < 5; n++)
				socket?.send({ type: "send", text: `${index}-${n}`, clientId: `c${index}-${n}` });
		});
		for (const socket of all) await socket.until(() => socket.messages.length === 20, "20 messages");
		const order = all[0]?.messages.map((message) => message.text);
		for (const socket of all) {
			expectWhole(socket.messages, 1, 20);
			expect(socket.messages.map((message) => message.text)).toEqual(order);
		}
		for (const socket of all) socket.close();
	});

	it("loses and repeats nothing while shards of each region and the root are evicted", async () => {
		const { chat, all } = await worldChat();
		await postMany(chat, 30, (n) => {
			if (n === 6) return evictDurableObject(regionalShard(chat.id, "apac", 1));
			if (n === 12) return evictDurableObject(roomStub(chat.id));
			if (n === 18) return evictDurableObject(regionalShard(chat.id, "weur", 1));
			if (n === 24) return evictDurableObject(regionalShard(chat.id, "wnam", 2));
			return undefined;
		});
		for (const socket of all) {
			await socket.until(() => socket.messages.length === 30, "30 messages");
			expectWhole(socket.messages, 1, 30);
			expect(socket.closed).toBeNull();
		}
		for (const socket of all) socket.close();
	});

	it("gives a listener whose shard restarted exactly what it missed when it resumes in another region", async () => {
		const { chat, all, byCity } = await worldChat();
		const parisToken = await tokenAskedFrom(chat, "traveller", places.paris);
		let traveller = await openFrom(chat, parisToken.token, places.paris);
		// weur's first shard is full: the traveller is on its second, with one other socket.
		expect(await socketsHeldBy(regionalShard(chat.id, "weur", 2))).toBe(2);
		const posting = postMany(chat, 30, async (n) => {
			if (n === 10) await evictDurableObject(regionalShard(chat.id, "weur", 2), { webSockets: "close" });
		});
		await traveller.until(() => traveller.closed !== null, "the dropped socket");
		const seen = [...traveller.messages];
		const heldInAsia = await socketsHeldBy(regionalShard(chat.id, "apac", 2));
		// It comes back from Tokyo (a phone that left Paris): a shard of Asia-Pacific takes it.
		traveller = await openFrom(chat, parisToken.token, places.tokyo, seen.at(-1)?.seq ?? 0);
		expect(await socketsHeldBy(regionalShard(chat.id, "apac", 2))).toBe(heldInAsia + 1);
		await posting;
		await traveller.until(() => seen.length + traveller.messages.length === 30, "all 30 messages");
		expectWhole([...seen, ...traveller.messages], 1, 30);
		// The Paris listener that shared the restarted shard resumes too, from Seattle.
		const dropped = byCity.paris[3];
		await dropped?.until(() => dropped.closed !== null, "the other dropped socket");
		const others = all.filter((socket) => socket !== dropped);
		for (const socket of others) {
			await socket.until(() => socket.messages.length === 30, "30 messages");
			expectWhole(socket.messages, 1, 30);
		}
		for (const socket of [...others, traveller]) socket.close();
	});

	it("counts each user online once over every region, and counts them out when they leave", async () => {
		const { chat, all } = await worldChat();
		const amy = await tokenAskedFrom(chat, "amy", places.tokyo);
		const tabs = [
			await openFrom(chat, amy.token, places.tokyo),
			await openFrom(chat, amy.token, places.paris),
			await openFrom(chat, amy.token, places.seattle),
		];
		await until(async () => (await diagnostics(chat)).connections === 18, "18 sockets counted");
		await until(async () => (await diagnostics(chat)).online === 16, "16 users online");
		const [first, ...rest] = tabs;
		first?.close();
		await until(async () => (await diagnostics(chat)).connections === 17, "one tab counted out");
		expect((await diagnostics(chat)).online).toBe(16);
		for (const socket of [...rest, ...all]) socket.close();
		await until(async () => (await diagnostics(chat)).online === 0, "everyone counted out");
		await untilRegions(chat, {});
	});

	it("closes a banned user's sockets in every region, and every region's door refuses them", async () => {
		const { chat, all } = await worldChat();
		const owner = await joinToken(chat, "olga", chat.ownerKey);
		const bob = await tokenAskedFrom(chat, "bob", places.tokyo);
		const bobs = [
			await openFrom(chat, bob.token, places.tokyo),
			await openFrom(chat, bob.token, places.paris),
			await openFrom(chat, bob.token, places.seattle),
		];
		const ban = await call("POST", `/api/chats/${chat.id}/bans`, owner.token, { userId: bob.user.id });
		expect(ban.status).toBe(201);
		for (const socket of bobs) {
			await socket.until(() => socket.closed !== null, "the banned socket's close");
			expect(socket.closed?.code).toBe(4003);
		}
		for (const place of [places.tokyo, places.paris, places.seattle] satisfies Place[]) {
			const path = `/api/chats/${chat.id}`;
			const upgrade = await apiFrom(place, `${path}/ws?token=${encodeURIComponent(bob.token)}`, {
				headers: { Upgrade: "websocket" },
			});
			expect(upgrade.status).toBe(403);
			const refresh = await apiFrom(place, `${path}/tokens`, {
				method: "POST",
				headers: { ...bearer(bob.token), "Content-Type": "application/json" },
				body: JSON.stringify({ name: "bob" }),
			});
			expect(refresh.status).toBe(403);
		}
		for (const socket of all) socket.close();
	});
});
