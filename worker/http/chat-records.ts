import { keyMatches } from "../auth/keys";
import type { Role } from "../protocol";
import type { RoomInit } from "../sequencer/room-record";
import { roomStub } from "./room-stub";

/**
 * A chat's record (settings and key digests) never changes after creation, so each Worker isolate
 * keeps the ones it has seen: issuing a token or checking access then needs no round trip to the
 * room, which keeps the room's single thread for its sockets. Unknown ids are not remembered.
 */
const records = new Map<string, RoomInit>();
const maxRecords = 10_000;

export async function chatRecord(env: Env, id: string): Promise<RoomInit | null> {
	const cached = records.get(id);
	if (cached) return cached;
	const record = await roomStub(env, id).record();
	if (record) rememberChat(record);
	return record;
}

export function rememberChat(record: RoomInit): void {
	if (records.size >= maxRecords) {
		const oldest = records.keys().next().value;
		if (oldest !== undefined) records.delete(oldest);
	}
	records.set(record.id, record);
}

/** The role a key grants in this chat, or null for no key or a wrong one. */
export async function roleForKey(record: RoomInit, key: string | undefined): Promise<Role | null> {
	if (key === undefined) return null;
	if (await keyMatches(key, record.ownerKeyHash)) return "owner";
	if (await keyMatches(key, record.inviteKeyHash)) return "member";
	return null;
}
