import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { CreatedChat, IssuedToken, LocationHint } from "../../worker/protocol";
import { firstShardOf } from "../../worker/routing/shard-region";
import { api, diagnostics, roomStub, TestSocket, until } from "../worker/helpers";

/** What Cloudflare puts in `request.cf` for a request from each of these places (the parts we read). */
export const places = {
	paris: { continent: "EU", country: "FR", longitude: "2.35" },
	warsaw: { continent: "EU", country: "PL", longitude: "21.01" },
	tokyo: { continent: "AS", country: "JP", longitude: "139.69" },
	dubai: { continent: "AS", country: "AE", longitude: "55.27" },
	seattle: { continent: "NA", country: "US", longitude: "-122.33" },
	newYork: { continent: "NA", country: "US", longitude: "-74.01" },
	saoPaulo: { continent: "SA", country: "BR", longitude: "-46.63" },
	sydney: { continent: "OC", country: "AU", longitude: "151.21" },
	lagos: { continent: "AF", country: "NG", longitude: "3.38" },
} as const;

export type Place = (typeof places)[keyof typeof places];

/** A request as the platform hands it to the Worker, from `place` (none: no `cf` at all). */
export function apiFrom(place: Place | null, path: string, init: RequestInit = {}): Promise<Response> {
	return api(path, place === null ? init : { ...init, cf: { ...place } });
}

/** A join token asked for from `place`. */
export async function tokenFrom(chat: CreatedChat, name: string, place: Place | null): Promise<IssuedToken> {
	const key = chat.inviteKey;
	const response = await apiFrom(place, `/api/chats/${chat.id}/tokens`, {
		method: "POST",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify({ name, ...(key !== undefined && { key }) }),
	});
	expect(response.status).toBe(201);
	return response.json<IssuedToken>();
}

/** A socket opened from `place`, greeted; `since` asks for what was missed. */
export async function openFrom(
	chat: CreatedChat,
	token: string,
	place: Place | null,
	since?: number,
): Promise<TestSocket> {
	const query = `token=${encodeURIComponent(token)}${since === undefined ? "" : `&since=${since}`}`;
	const response = await apiFrom(place, `/api/chats/${chat.id}/ws?${query}`, {
		headers: { Upgrade: "websocket" },
	});
	expect(response.status).toBe(101);
	if (!response.webSocket) throw new Error("no socket in the 101 response");
	const socket = new TestSocket(response.webSocket);
	await socket.next("ready");
	return socket;
}

/** A new member, token and socket both from `place`. */
export async function joinFrom(chat: CreatedChat, name: string, place: Place | null): Promise<TestSocket> {
	return openFrom(chat, (await tokenFrom(chat, name, place)).token, place);
}

/** The stub of a regional shard found by its name as written, not through the code under test. */
export function regionalShard(chatId: string, region: LocationHint, n: number) {
	return env.CHAT_SHARD.get(env.CHAT_SHARD.idFromName(`${chatId}/${region}/${n}`));
}

/** The shard number of a region's n-th shard (for the code's own stubs). */
export const shardNumber = (region: LocationHint, n: number) => firstShardOf(region) + n - 1;

/** Sockets an object holds right now, counted by the runtime itself. */
export function socketsHeldBy(stub: DurableObjectStub): Promise<number> {
	return runInDurableObject(stub, (_object, state) => state.getWebSockets().length);
}

export function socketsAtRoot(chatId: string): Promise<number> {
	return socketsHeldBy(roomStub(chatId));
}

/** Waits until the chat's diagnostics count `expected` by region (reports from shards lag a window). */
export async function untilRegions(
	chat: CreatedChat,
	expected: Record<string, { shards: number; connections: number }>,
): Promise<void> {
	await until(
		async () =>
			JSON.stringify(sorted((await diagnostics(chat)).regions)) === JSON.stringify(sorted(expected)),
		`regions ${JSON.stringify(expected)}`,
	);
}

function sorted(regions: object): [string, unknown][] {
	return Object.entries(regions).sort(([a], [b]) => a.localeCompare(b));
}
