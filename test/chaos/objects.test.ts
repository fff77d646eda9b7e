import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ChatMessage, CreatedChat, HistoryPage } from "../../worker/protocol";
import { shardObject } from "../../worker/routing/shard-address";
import {
	api,
	bearer,
	createChat,
	diagnostics,
	joinToken,
	postJson,
	roomStub,
	sleep,
} from "../worker/helpers";
import { ChaosMember, type Connect } from "./member";
import { reconnectAll, settle } from "./settle";
import { chaosProblems, seededRandom } from "./verdict";

// This file runs with ROOM_SHARD_CAPACITY=2 (vitest.chaos.config.ts): the chat's sockets live in
// its root and several shards, and each of them is evicted now and then while messages flow.

const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
const members = 8;
const ticks = 240;
const tickMs = 20;

/** A member's sockets: real WebSockets through the Worker, the token as a subprotocol. */
function socketsOf(chatId: string, token: string): Connect {
	return async (since, handlers) => {
		const query = since === undefined ? "" : `?since=${since}`;
		const response = await api(`/api/chats/${chatId}/ws${query}`, {
			headers: { Upgrade: "websocket", "Sec-WebSocket-Protocol": `edgechat.v1, edgechat.token.${token}` },
		});
		const socket = response.webSocket;
		if (response.status !== 101 || !socket) throw new Error(`upgrade answered ${response.status}`);
		socket.addEventListener("message", (event) => handlers.frame(String(event.data)));
		socket.addEventListener("close", () => handlers.closed());
		socket.accept();
		return {
			send: (frame) => socket.send(frame),
			kill: () => {
				try {
					socket.close(4999, "chaos");
				} catch {
					// Already closed.
				}
				handlers.closed();
			},
		};
	};
}

/** Objects holding the chat's sockets: its root and its shards. */
async function objectCount(chat: CreatedChat): Promise<number> {
	return (await diagnostics(chat)).shards;
}

/** Evicts an object as the platform may at any moment; false if it was not running (just evicted). */
async function evict(stub: Parameters<typeof evictDurableObject>[0]): Promise<boolean> {
	try {
		await evictDurableObject(stub);
		return true;
	} catch (error) {
		if (String(error).includes("not currently running")) return false;
		throw error;
	}
}

interface Crowd {
	chat: CreatedChat;
	members: ChaosMember[];
	tokens: Map<ChaosMember, string>;
}

async function crowdOf(size: number, prefix: string): Promise<Crowd> {
	const chat = await createChat();
	const crowd: Crowd = { chat, members: [], tokens: new Map() };
	for (let index = 0; index < size; index++) {
		const { token } = await joinToken(chat, `${prefix}${index}`);
		const member = new ChaosMember(`${prefix}${index}`, socketsOf(chat.id, token));
		crowd.tokens.set(member, token);
		crowd.members.push(member);
		await member.reconnect();
	}
	return crowd;
}

/** After the storm: the crowd's whole log, and what must hold of it. */
async function settleCrowd(
	crowd: Crowd,
): Promise<{ problems: string[]; acked: number; stored: number; settled: boolean }> {
	const { chat, members } = crowd;
	const { history, stored, settled } = await settle(
		members,
		async (query) => (await api(`/api/chats/${chat.id}/messages?${query}`)).json<HistoryPage>(),
		() => reconnectAll(members),
		{ ackMs: 15_000, seenMs: 10_000 },
	);
	const acked = members.reduce((sum, member) => sum + member.acked.size, 0);
	return { problems: chaosProblems(history, members), acked, stored, settled };
}

describe(`chats under chaos (CHAOS_SEED=${seed})`, () => {
	it("keep every acknowledged message, once, in one order, through killed sockets, racing retries and evicted objects", async () => {
		const random = seededRandom(seed);
		// A chat spread over its root and shards, and a small one that its root holds alone.
		const spread = await crowdOf(members, "m");
		const small = await crowdOf(2, "s");
		const shards = (await objectCount(spread.chat)) - 1;
		expect(shards).toBeGreaterThanOrEqual(2);
		expect(await objectCount(small.chat)).toBe(1);
		const everyone = [...spread.members, ...small.members];
		const crowdOfMember = (member: ChaosMember) => (small.members.includes(member) ? small : spread);
		const counts = { kills: 0, rootEvictions: 0, shardEvictions: 0, httpRaces: 0 };
		const inFlight: Promise<unknown>[] = [];
		const evicting = (stub: Parameters<typeof evict>[0], counter: "rootEvictions" | "shardEvictions") =>
			inFlight.push(
				evict(stub).then((done) => {
					if (done) counts[counter] += 1;
				}),
			);

		for (let tick = 0; tick < ticks; tick++) {
			await sleep(tickMs);
			const member = everyone[Math.floor(random() * everyone.length)] as ChaosMember;
			const { chat, tokens } = crowdOfMember(member);
			const roll = random();
			if (roll < 0.5) member.send(random() < 0.2);
			else if (roll < 0.65) {
				counts.kills += 1;
				member.kill();
			} else if (roll < 0.7) evicting(roomStub(chat.id), "rootEvictions");
			else if (roll < 0.78) {
				evicting(shardObject(env, spread.chat.id, 1 + Math.floor(random() * shards)), "shardEvictions");
			} else if (roll < 0.83) {
				// A new message sent over the socket and, at once, over HTTP: the two race to be stored.
				counts.httpRaces += 1;
				const message = member.send();
				const post = postJson(`/api/chats/${chat.id}/messages`, message, bearer(tokens.get(member) ?? ""));
				inFlight.push(
					post.then(async (response) => {
						if (response.ok) member.acknowledge((await response.json<{ message: ChatMessage }>()).message);
					}),
				);
			}
			// Members that lost their socket come back, some at once, some a little later.
			for (const other of everyone)
				if (!other.online && random() < 0.3) inFlight.push(other.reconnect().catch(() => {}));
		}
		await Promise.allSettled(inFlight);

		const spreadResult = await settleCrowd(spread);
		const smallResult = await settleCrowd(small);
		const retries = everyone.reduce((sum, member) => sum + member.stats.raced + member.stats.retries, 0);
		console.log(`chaos seed ${seed}:`, { spread: spreadResult, small: smallResult, retries, ...counts });
		expect(spreadResult.problems).toEqual([]);
		expect(smallResult.problems).toEqual([]);
		for (const result of [spreadResult, smallResult]) {
			expect(result.settled).toBe(true);
			expect(result.stored).toBe(result.acked);
		}
		// The run was chaotic enough to mean something.
		expect(spreadResult.acked).toBeGreaterThan(50);
		expect(smallResult.acked).toBeGreaterThan(10);
		expect(counts.kills).toBeGreaterThan(10);
		expect(counts.rootEvictions).toBeGreaterThan(0);
		expect(counts.shardEvictions).toBeGreaterThan(0);
		expect(counts.rootEvictions + counts.shardEvictions).toBeGreaterThan(5);
		expect(retries).toBeGreaterThan(10);
		expect(counts.httpRaces).toBeGreaterThan(0);
	});
});
