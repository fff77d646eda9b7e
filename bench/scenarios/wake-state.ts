import type { Room } from "../generator/room.ts";
import { isBareRoom } from "../servers/servers.ts";

/**
 * How often a room has been constructed, read from the room itself. Reading it is a request to
 * the room, which wakes a hibernated room: `wokeForThisRead` says whether this very read did, so
 * that wake is not counted against the idle period, and it proves the room was asleep.
 */
export interface WakeState {
	constructions: number;
	wokeForThisRead: boolean;
	source: string;
}

/** edgechat's diagnostics of the room's chat (GET /api/chats/:id/diagnostics, owner key); null elsewhere. */
export async function readChatDiagnostics(room: Room): Promise<unknown> {
	const id = room.chatId;
	const key = room.ownerKey;
	if (room.server.kind !== "edgechat" || id === null || key === null) return null;
	const response = await fetch(
		`${room.server.origin}/api/chats/${id}/diagnostics?key=${encodeURIComponent(key)}`,
		{ signal: AbortSignal.timeout(10_000) },
	);
	return response.ok ? response.json() : null;
}

/** How many objects hold the chat's sockets (the root, if it holds any, and its shards); null elsewhere. */
export async function readObjectCount(room: Room): Promise<number | null> {
	return numberField(await readChatDiagnostics(room), "shards");
}

export async function readWakeState(room: Room, readAt: number): Promise<WakeState | null> {
	const { server } = room;
	if (server.kind === "edgechat") {
		const body = await readChatDiagnostics(room);
		if (body === null) return null;
		const wakes = numberField(body, "wakes");
		const startedAt = numberField(body, "instanceStartedAt");
		if (wakes === null || startedAt === null) return null;
		return {
			// `wakes` counts constructions of an existing room; the first one, at creation, is not among them.
			constructions: wakes,
			wokeForThisRead: startedAt >= readAt,
			source: "GET /api/chats/:id/diagnostics (wakes, instanceStartedAt)",
		};
	}
	if (isBareRoom(server.kind)) {
		const response = await fetch(`${server.origin}/rooms/${encodeURIComponent(room.name)}/stats`, {
			signal: AbortSignal.timeout(10_000),
		});
		if (!response.ok) return null;
		const body: unknown = await response.json();
		const constructions = numberField(body, "constructions");
		const events = numberField(body, "eventsSinceWake");
		if (constructions === null || events === null) return null;
		return { constructions, wokeForThisRead: events === 1, source: "GET /rooms/:name/stats (constructions)" };
	}
	return null;
}

function numberField(value: unknown, name: string): number | null {
	if (typeof value !== "object" || value === null) return null;
	const property: unknown = Reflect.get(value, name);
	return typeof property === "number" ? property : null;
}
