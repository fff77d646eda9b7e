import { type RegionName, regionName, regionOfShard } from "../routing/shard-region";
import type { Sequencer } from "../sequencer/sequencer";
import type { RootSockets } from "./root-sockets";
import type { ShardRegistry } from "./shard-registry";

/** Objects holding a chat's sockets in one region, and how many sockets they hold. */
export interface RegionCount {
	shards: number;
	connections: number;
}

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
	/** The same objects by region ("default": no region), the root in the chat's own. */
	regions: Partial<Record<RegionName, RegionCount>>;
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
	const holders = shards.holding().map(({ idx, sockets }) => ({ region: regionOfShard(idx), sockets }));
	if (sockets.holder.size > 0) {
		holders.push({ region: sequencer.info?.locationHint ?? null, sockets: sockets.holder.size });
	}
	const regions: RoomDiagnostics["regions"] = {};
	for (const { region, sockets } of holders) {
		const before = regions[regionName(region)];
		regions[regionName(region)] = {
			shards: (before?.shards ?? 0) + 1,
			connections: (before?.connections ?? 0) + sockets,
		};
	}
	return {
		connections: sockets.connections(),
		online: sockets.presence.count,
		lastSeq: sequencer.newestSeq,
		storedMessages: sequencer.log.count(),
		wakes,
		instanceStartedAt,
		shards: holders.length,
		regions,
	};
}
