import { isLocationHint, type LocationHint, locationHints } from "../protocol";

/**
 * Shards are numbered, and a shard's number says its region: shards of no region (joins that
 * carried no location, as on a local runtime) are 1, 2, 3, ... as they always were; the shards of
 * the k-th location hint (`locationHints`, from 1) are k × regionSpan + 1, + 2, ... So the root's
 * registry, the fan-out and the headers between the Worker and the objects keep a plain number,
 * and the next shard of a region is always the number after it.
 */
export const regionSpan = 1_000_000;

/** A region's name in diagnostics; "default" stands for no region. */
export type RegionName = LocationHint | "default";

/** The region of shard `index`, or null for a shard of no region (and for the root, index 0). */
export function regionOfShard(index: number): LocationHint | null {
	return locationHints[Math.floor(index / regionSpan) - 1] ?? null;
}

/** The number of a region's first shard. */
export function firstShardOf(region: LocationHint | null): number {
	return region === null ? 1 : (locationHints.indexOf(region) + 1) * regionSpan + 1;
}

/**
 * The name a shard's object is found by. A regional shard's name carries its region
 * (`chatId/apac/1`); the others keep the names they always had (`chatId/1`).
 */
export function shardName(chatId: string, index: number): string {
	const region = regionOfShard(index);
	return region === null ? `${chatId}/${index}` : `${chatId}/${region}/${index % regionSpan}`;
}

export function regionName(region: LocationHint | null | undefined): RegionName {
	return region ?? "default";
}

/** A region as an internal header carries it; anything else is no region. */
export function readRegion(value: string | null): LocationHint | null {
	return isLocationHint(value) ? value : null;
}
