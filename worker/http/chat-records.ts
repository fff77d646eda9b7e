import { keyMatches } from "../auth/keys";
import type { Role } from "../protocol";
import { roomStub } from "../routing/room-stub";
import type { RoomInit } from "../sequencer/room-record";

/**
 * Chats this Worker isolate has seen exist. Settings, key digests and bans change (and a chat can
 * be deleted), so every access decision reads the record from the chat itself (`chatRecord`);
 * only the WebSocket route, whose objects refuse a deleted chat's upgrades themselves, skips that
 * call for chats it knows, so that joins do not all pass through the root.
 */
const records = new Map<string, RoomInit>();
const maxRecords = 10_000;

export async function chatRecord(env: Env, id: string): Promise<RoomInit | null> {
	const record = await roomStub(env, id).record();
	if (record) rememberChat(record);
	else records.delete(id);
	return record;
}

/** Whether the chat exists, from memory when this isolate has seen it (see above). */
export async function chatKnown(env: Env, id: string): Promise<boolean> {
	return records.has(id) || (await chatRecord(env, id)) !== null;
}

export function forgetChat(id: string): void {
	records.delete(id);
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
