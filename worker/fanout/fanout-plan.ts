import type { LocationHint } from "../protocol";
import { regionOfShard } from "../routing/shard-region";

/** The shards one object sends a batch to, each with the shards it passes the batch on to. */
export type FanoutPlan = Map<number, number[]>;

/**
 * The root's plan: up to `directMax` shards get batches from the root itself, wherever they are;
 * past that, the root's calls stay at `directMax` and the rest is relayed (`relayPlan`), so a batch
 * enters each other region once. `rootRegion`: the chat's location hint, if it was given one.
 */
export function fanoutPlan(
	shards: number[],
	directMax: number,
	rootRegion: LocationHint | null = null,
): FanoutPlan {
	const sorted = [...shards].sort((a, b) => a - b);
	if (sorted.length <= directMax) return new Map(sorted.map((idx) => [idx, []]));
	return relayPlan(sorted, directMax, rootRegion);
}

/**
 * How an object in region `own` reaches `shards`, calling at most `directMax` of them:
 * - each other region's shards are reached through one of them (its lowest), which passes the
 *   batch on to the rest: a batch crosses to a region once, not once per shard;
 * - shards of its own region, and shards of no region (each placed where its first join came
 *   from), share the calls left: that many of them relay to an equal share of the rest;
 * - calls past `directMax` (more regions than calls) are handed to the first ones, which pass
 *   them on by this same plan.
 * Every shard is reached once, and no object calls more than `directMax` shards for a batch.
 */
export function relayPlan(shards: number[], directMax: number, own: LocationHint | null): FanoutPlan {
	const near: number[] = [];
	const regions = new Map<LocationHint, number[]>();
	for (const idx of [...shards].sort((a, b) => a - b)) {
		const region = regionOfShard(idx);
		const group = region === null || region === own ? near : regions.get(region);
		if (group) group.push(idx);
		else if (region !== null) regions.set(region, [idx]);
	}
	const calls: Array<[number, number[]]> = [];
	const nearRelays = near.slice(0, Math.max(directMax - regions.size, 1));
	for (const relay of nearRelays) calls.push([relay, []]);
	near.slice(nearRelays.length).forEach((idx, position) => {
		calls[position % nearRelays.length]?.[1].push(idx);
	});
	for (const [lead, ...rest] of regions.values()) if (lead !== undefined) calls.push([lead, rest]);
	const kept = calls.slice(0, directMax);
	calls.slice(directMax).forEach(([idx, onward], position) => {
		kept[position % kept.length]?.[1].push(idx, ...onward);
	});
	return new Map(kept);
}
