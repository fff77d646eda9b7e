import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { CreatedChat, IssuedToken, LocationHint } from "../../worker/protocol";
import { api, diagnostics, roomStub, TestSocket, until } from "../worker/helpers";

/** What Cloudflare puts in `request.cf` for a request from each of these places (the parts we read). */
export const places = {
	paris: { continent: "EU", country: "FR", longitude: "2.35" },
	tokyo: { continent: "AS", country: "JP", longitude: "139.69" },
	seattle: { continent: "NA", country: "US", longitude: "-122.33" },
	newYork: { continent: "NA", country: "US", longitude: "-74.01" },
} as const;

export type Place = (typeof places)[keyof typeof places];

/** The part of a request that says where it came from. */
const from = (place: Place | null): RequestInit => (place === null ? {} : { cf: { ...place } });

/** A request as the platform hands it to the Worker, from `place` (none: no `cf` at all). */
export function apiFrom(place: Place | null, path: string, init: RequestInit = {}): Promise<Response> {
	return api(path, { ...init, ...from(place) });
}

/** A join token asked for from `place`. */
export async function tokenAskedFrom(
	chat: CreatedChat,
	name: string,
	place: Place | null,
): Promise<IssuedToken> {
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
export function openFrom(
	chat: CreatedChat,
	token: string,
	place: Place | null,
	since?: number,
): Promise<TestSocket> {
	return TestSocket.open(chat.id, token, since, from(place));
}

/** A new member, token and socket both from `place`. */
export async function joinFrom(chat: CreatedChat, name: string, place: Place | null): Promise<TestSocket> {
	return openFrom(chat, (await tokenAskedFrom(chat, name, place)).token, place);
}

/** The stub of a regional shard found by its name as written, not through the code under test. */
export function regionalShard(chatId: string, region: LocationHint, n: number) {
	return env.CHAT_SHARD.get(env.CHAT_SHARD.idFromName(`${chatId}/${region}/${n}`));
}

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
