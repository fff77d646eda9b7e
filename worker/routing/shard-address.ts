import type { LocationHint } from "../protocol";
import { regionOfShard, shardName } from "./shard-region";

/** Headers between the Worker and a chat's objects; the objects are reachable only through the Worker. */
export const userHeader = "x-edgechat-user";
/** A join without a token: what a token request would carry (door/admission.ts's AdmissionRequest). */
export const joinHeader = "x-edgechat-join";
/** Which shard of the chat the receiving object is (0: the root, which is its own first shard). */
export const shardHeader = "x-edgechat-shard";
/** A full object's answer: the shard to try instead. */
export const nextShardHeader = "x-edgechat-next-shard";
/** The region a join came from, so that a full root names a shard of that region. */
export const joinRegionHeader = "x-edgechat-join-region";

/**
 * Stubs are typed through the generated Env (wrangler types), not by importing the classes: the
 * objects call each other, and their modules must not import each other to do it.
 */
export type RootStub = ReturnType<Env["CHAT_ROOM"]["get"]>;
export type ShardStub = ReturnType<Env["CHAT_SHARD"]["get"]>;

/**
 * The chat's root: its sequencer, and shard 0. `locationHint` counts only on the object's first
 * use (the chat's creation); objects never move.
 */
export function rootObject(env: Env, chatId: string, locationHint?: LocationHint): RootStub {
	const id = idOf(env.CHAT_ROOM, chatId);
	return locationHint === undefined ? env.CHAT_ROOM.get(id) : env.CHAT_ROOM.get(id, { locationHint });
}

/** Shard `index` (from 1) of a chat: an object of its own, named after the chat, in its region. */
export function shardObject(env: Env, chatId: string, index: number): ShardStub {
	const id = idOf(env.CHAT_SHARD, shardName(chatId, index));
	const region = regionOfShard(index);
	return region === null ? env.CHAT_SHARD.get(id) : env.CHAT_SHARD.get(id, { locationHint: region });
}

/** How many object ids each namespace keeps (a bound, not a target: a busy isolate sees few chats). */
const idsKept = 10_000;
const ids = new WeakMap<DurableObjectNamespace, Map<string, DurableObjectId>>();

/**
 * The id of the object named `name`, remembered per isolate: deriving it hashes the name, and
 * every join and write asks for its chat's objects. An id is a value, good in any request.
 */
function idOf(namespace: DurableObjectNamespace, name: string): DurableObjectId {
	let known = ids.get(namespace);
	if (!known) {
		known = new Map();
		ids.set(namespace, known);
	}
	let id = known.get(name);
	if (!id) {
		if (known.size >= idsKept) known.clear();
		id = namespace.idFromName(name);
		known.set(name, id);
	}
	return id;
}

export function socketHolder(
	env: Env,
	chatId: string,
	index: number,
): { fetch(url: string, init: RequestInit): Promise<Response> } {
	return index === 0 ? rootObject(env, chatId) : shardObject(env, chatId, index);
}

/** The full object's refusal, which the Worker follows instead of passing it on. */
export function shardFull(next: number): Response {
	return new Response(null, { status: 503, headers: { [nextShardHeader]: String(next) } });
}

export function readShardIndex(value: string | null): number | null {
	if (value === null || !/^\d{1,9}$/.test(value)) return null;
	return Number(value);
}
