import type { AdmissionRequest, TokenAdmission } from "../door/admission";
import type { LocationHint, SessionUser } from "../protocol";
import { ApiError } from "../protocol";
import {
	joinHeader,
	joinRegionHeader,
	nextShardHeader,
	readShardIndex,
	rootObject,
	shardHeader,
	shardObject,
	socketHolder,
	userHeader,
} from "./shard-address";

/**
 * The shard each chat's sockets from each region go to first, per Worker isolate. A join never
 * asks the root where to go (the root's ~1,000 requests/s would cap the chat's joins): it goes
 * straight to the remembered shard of its region, and only a full one sends it on, once, to a
 * shard with room, of the same region. A new isolate starts at the root, which is shard 0 and
 * holds every socket of a small chat itself, whatever the regions of its members.
 */
const firstChoice = new Map<string, number>();
const remembered = 10_000;
/** Chats this isolate has seen outgrow their root, so that their joins are routed by region. */
const spreadChats = new Set<string>();
/** Full objects a join may be sent past before it is refused. */
const maxHops = 16;

/** Who the upgrade is for: the user of a verified token, or a join by name that the object decides. */
export type UpgradeFor = { user: SessionUser } | { join: AdmissionRequest };

/**
 * `regionOf`: where the join came from (routing/request-region.ts; null for no region), read only
 * when the chat is known to spread: reading `request.cf` costs every join a few per cent of its
 * CPU, and a small chat's joins all go to its root whatever their region. `headers`: what the
 * object gets, made by the Worker with nothing of the client's in it (objectUpgradeHeaders); the
 * objects believe the internal headers this adds.
 */
export async function routeUpgrade(
	env: Env,
	chatId: string,
	regionOf: () => LocationHint | null,
	upgrade: { url: string; headers: Record<string, string> },
	upgradeFor: UpgradeFor,
): Promise<Response> {
	const { url, headers } = upgrade;
	if ("user" in upgradeFor) headers[userHeader] = asciiJson(upgradeFor.user);
	else headers[joinHeader] = asciiJson(upgradeFor.join);
	/** Undefined until read: the root is asked without it until it is found full. */
	let region = spreadChats.has(chatId) ? regionOf() : undefined;
	if (region) headers[joinRegionHeader] = region;
	let index = region === undefined ? 0 : (firstChoice.get(choiceOf(chatId, region)) ?? 0);
	for (let hop = 0; hop < maxHops; hop++) {
		headers[shardHeader] = String(index);
		const response = await socketHolder(env, chatId, index).fetch(url, { headers });
		const next = response.status === 503 ? readShardIndex(response.headers.get(nextShardHeader)) : null;
		if (next === null) {
			if (response.status === 101 && region !== undefined) remember(choiceOf(chatId, region), index);
			return response;
		}
		if (region === undefined) {
			// The root is full: from now on this chat's joins are routed by region. The root named a
			// shard without knowing this join's, so it is asked again knowing it.
			rememberSpread(chatId);
			region = regionOf();
			if (region) {
				headers[joinRegionHeader] = region;
				continue;
			}
		}
		index = next;
		remember(choiceOf(chatId, region), index);
	}
	throw new ApiError(503, "internal_error", "The chat is busy; try again in a moment");
}

/**
 * A token is admitted where its socket is about to go: the shard this isolate sends the chat's
 * joins to holds a copy of the chat's door and answers itself, so a join storm on a spread chat
 * costs the root nothing. The root answers for a small chat, for an isolate that has not joined
 * this chat yet, and whenever the shard cannot (it holds no sockets now, so its copy may be old).
 */
export async function admitToken(
	env: Env,
	chatId: string,
	region: LocationHint | null,
	request: AdmissionRequest,
): Promise<TokenAdmission> {
	const index = firstChoice.get(choiceOf(chatId, region)) ?? 0;
	if (index !== 0) {
		try {
			const answer = await shardObject(env, chatId, index).admitToken(request);
			if (answer !== "ask_root") return answer;
		} catch (error) {
			// The root decides alone as well, and a join must not fail because one shard did.
			console.error("token admission at a shard failed", error);
		}
	}
	return rootObject(env, chatId).admitToken(request);
}

/** JSON for a header: names may be any Unicode, header values are bytes; \u escapes keep them ASCII. */
function asciiJson(value: unknown): string {
	return JSON.stringify(value).replace(
		/[\u007f-\uffff]/g,
		(char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
	);
}

/** A chat's joins of one region share a first choice; chat ids hold no space. */
function choiceOf(chatId: string, region: LocationHint | null): string {
	return region === null ? chatId : `${chatId} ${region}`;
}

function rememberSpread(chatId: string): void {
	if (spreadChats.size >= remembered) spreadChats.clear();
	spreadChats.add(chatId);
}

function remember(choice: string, index: number): void {
	if (firstChoice.get(choice) === index) return;
	if (firstChoice.size >= remembered && !firstChoice.has(choice)) {
		const oldest = firstChoice.keys().next().value;
		if (oldest !== undefined) firstChoice.delete(oldest);
	}
	firstChoice.set(choice, index);
}
