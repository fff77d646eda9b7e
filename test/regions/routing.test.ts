import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardObject } from "../../worker/routing/shard-address";
import { api, createChat, diagnostics, joinToken, TestSocket } from "../worker/helpers";
import { captureLogs } from "../worker/log-capture";
import {
	joinFrom,
	places,
	regionalShard,
	socketsAtRoot,
	socketsHeldBy,
	tokenAskedFrom,
	untilRegions,
} from "./places";

// ROOM_SHARD_CAPACITY=3 (vitest.regions.config.ts): the root holds a chat's first three sockets.
const logs = captureLogs();

/** Fills the root with sockets that carry no region, as a local tool's would. */
async function fillRoot(chat: Awaited<ReturnType<typeof createChat>>): Promise<TestSocket[]> {
	const sockets: TestSocket[] = [];
	for (let n = 0; n < 3; n++) sockets.push(await joinFrom(chat, `local${n}`, null));
	expect(await socketsAtRoot(chat.id)).toBe(3);
	return sockets;
}

describe("where a join goes, by the region it comes from", () => {
	it("keeps a small chat in its root alone, whatever the regions of its members", async () => {
		expect(env.ROOM_SHARD_CAPACITY).toBe("3");
		const chat = await createChat();
		const sockets = [
			await joinFrom(chat, "paris", places.paris),
			await joinFrom(chat, "tokyo", places.tokyo),
			await joinFrom(chat, "seattle", places.seattle),
		];
		expect(await socketsAtRoot(chat.id)).toBe(3);
		await untilRegions(chat, { default: { shards: 1, connections: 3 } });
		expect((await diagnostics(chat)).shards).toBe(1);
		for (const socket of sockets) socket.close();
	});

	it("sends each join past the root to a shard of its own region, named after the region", async () => {
		const chat = await createChat();
		const local = await fillRoot(chat);
		const regional = [];
		for (const [name, place] of Object.entries({ tokyo: places.tokyo, paris: places.paris })) {
			for (let n = 0; n < 2; n++) regional.push(await joinFrom(chat, `${name}${n}`, place));
		}
		regional.push(await joinFrom(chat, "seattle", places.seattle));
		regional.push(await joinFrom(chat, "newYork", places.newYork));
		// Counted by the runtime, in the objects found by the names the issue gives them.
		expect(await socketsHeldBy(regionalShard(chat.id, "apac", 1))).toBe(2);
		expect(await socketsHeldBy(regionalShard(chat.id, "weur", 1))).toBe(2);
		expect(await socketsHeldBy(regionalShard(chat.id, "wnam", 1))).toBe(1);
		expect(await socketsHeldBy(regionalShard(chat.id, "enam", 1))).toBe(1);
		await untilRegions(chat, {
			default: { shards: 1, connections: 3 },
			apac: { shards: 1, connections: 2 },
			weur: { shards: 1, connections: 2 },
			wnam: { shards: 1, connections: 1 },
			enam: { shards: 1, connections: 1 },
		});
		for (const socket of [...local, ...regional]) socket.close();
	});

	it("opens a region's second shard only when its first is full", async () => {
		const chat = await createChat();
		const local = await fillRoot(chat);
		const tokyo: TestSocket[] = [];
		for (let n = 1; n <= 3; n++) {
			tokyo.push(await joinFrom(chat, `tokyo${n}`, places.tokyo));
			expect(await socketsHeldBy(regionalShard(chat.id, "apac", 1))).toBe(n);
			await untilRegions(chat, {
				default: { shards: 1, connections: 3 },
				apac: { shards: 1, connections: n },
			});
		}
		// Another region's joins open a shard of their own, and leave Asia-Pacific's as they are.
		const paris = await joinFrom(chat, "paris", places.paris);
		tokyo.push(await joinFrom(chat, "tokyo4", places.tokyo));
		expect(await socketsHeldBy(regionalShard(chat.id, "apac", 1))).toBe(3);
		expect(await socketsHeldBy(regionalShard(chat.id, "apac", 2))).toBe(1);
		await untilRegions(chat, {
			default: { shards: 1, connections: 3 },
			apac: { shards: 2, connections: 4 },
			weur: { shards: 1, connections: 1 },
		});
		for (const socket of [...local, ...tokyo, paris]) socket.close();
		await untilRegions(chat, {});
	});

	it("admits a token request at the shard of its region its socket will join, else at the root", async () => {
		const chat = await createChat();
		const local = await fillRoot(chat);
		const tokyo = await joinFrom(chat, "tokyo1", places.tokyo);
		await untilRegions(chat, { default: { shards: 1, connections: 3 }, apac: { shards: 1, connections: 1 } });
		const before = logs.tokensAdmitted(chat.id);
		await tokenAskedFrom(chat, "tokyo2", places.tokyo);
		expect(logs.tokensAdmitted(chat.id)).toEqual({ root: before.root, shard: before.shard + 1 });
		// No join from Paris went anywhere yet: the root answers, and the shard of Asia-Pacific is not asked.
		await tokenAskedFrom(chat, "paris", places.paris);
		expect(logs.tokensAdmitted(chat.id)).toEqual({ root: before.root + 1, shard: before.shard + 1 });
		await logs.closeAll([...local, tokyo]);
	});

	it("ignores X-Edgechat-Region while TRUST_REGION_HEADER is not true", async () => {
		expect(env.TRUST_REGION_HEADER).toBe("false");
		const chat = await createChat();
		const local = await fillRoot(chat);
		const { token } = await joinToken(chat, "claims-tokyo");
		const response = await api(`/api/chats/${chat.id}/ws?token=${encodeURIComponent(token)}`, {
			headers: { Upgrade: "websocket", "X-Edgechat-Region": "apac" },
		});
		expect(response.status).toBe(101);
		if (!response.webSocket) throw new Error("no socket");
		const socket = new TestSocket(response.webSocket);
		await socket.next("ready");
		expect(await socketsHeldBy(shardObject(env, chat.id, 1))).toBe(1);
		await untilRegions(chat, { default: { shards: 2, connections: 4 } });
		for (const open of [...local, socket]) open.close();
	});
});
