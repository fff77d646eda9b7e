import type { Sequencer } from "../sequencer/sequencer";
import type { RootSockets } from "./root-sockets";
import type { ShardRegistry } from "./shard-registry";

export interface RoomDiagnostics {
	/** Open sockets of the whole chat, over every object that holds some. */
	connections: number;
	online: number;
	lastSeq: number;
	storedMessages: number;
	/** How many times this room was constructed (woken) since it was created. */
	wakes: number;
	instanceStartedAt: number;
	/** Objects holding this chat's sockets now: the root itself and its shards. */
	shards: number;
}

/** What `GET /api/chats/:id/diagnostics` reports of a chat, from its root. */
export function diagnosticsOf(
	sequencer: Sequencer,
	sockets: RootSockets,
	shards: ShardRegistry,
	instanceStartedAt: number,
): RoomDiagnostics {
	// Read afresh: the wake counter moves on every construction, the loaded record does not.
	const wakes = sequencer.record.read()?.wakes ?? 0;
	return {
		connections: sockets.connections(),
		online: sockets.presence.count,
		lastSeq: sequencer.newestSeq,
		storedMessages: sequencer.log.count(),
		wakes,
		instanceStartedAt,
		shards: (sockets.holder.size > 0 ? 1 : 0) + shards.active().length,
	};
}
