import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fanoutPlan, relayPlan } from "../../worker/fanout/fanout-plan";
import { ApiError, type LocationHint, locationHints } from "../../worker/protocol";
import { joinRegion, regionOfPlace } from "../../worker/routing/request-region";
import { firstShardOf, regionOfShard, shardName } from "../../worker/routing/shard-region";

describe("the region of a request", () => {
	it("is read from the continent, and the country or longitude where a continent has two regions", () => {
		expect(regionOfPlace({ continent: "EU", country: "FR" })).toBe("weur");
		expect(regionOfPlace({ continent: "EU", country: "PL" })).toBe("eeur");
		expect(regionOfPlace({ continent: "AS", country: "JP" })).toBe("apac");
		expect(regionOfPlace({ continent: "AS", country: "AE" })).toBe("me");
		expect(regionOfPlace({ continent: "AS", country: "TR" })).toBe("eeur");
		expect(regionOfPlace({ continent: "NA", country: "US", longitude: "-122.33" })).toBe("wnam");
		expect(regionOfPlace({ continent: "NA", country: "US", longitude: "-74.01" })).toBe("enam");
		expect(regionOfPlace({ continent: "NA", country: "CA" })).toBe("enam");
		expect(regionOfPlace({ continent: "SA", country: "BR" })).toBe("sam");
		expect(regionOfPlace({ continent: "OC", country: "AU" })).toBe("oc");
		expect(regionOfPlace({ continent: "AF", country: "NG" })).toBe("afr");
	});

	it("is no region when the platform says nothing of where the request came from", () => {
		expect(regionOfPlace(undefined)).toBeNull();
		expect(regionOfPlace({})).toBeNull();
		expect(regionOfPlace({ continent: "T1" })).toBeNull();
	});

	it("is named by X-Edgechat-Region when the header is trusted, and an unknown name is refused", () => {
		const trusted = { ...env, TRUST_REGION_HEADER: "true" };
		const from = (header?: string) =>
			new Request(
				"http://edgechat.test/",
				header === undefined ? {} : { headers: { "X-Edgechat-Region": header } },
			);
		expect(joinRegion(trusted, from("apac"))).toBe("apac");
		expect(joinRegion(trusted, from())).toBeNull();
		expect(() => joinRegion(trusted, from("mars"))).toThrow(ApiError);
		expect(() => joinRegion(trusted, from("mars"))).toThrow(/X-Edgechat-Region: must be one of wnam, enam/);
		expect(joinRegion(env, from("apac"))).toBeNull();
	});
});

describe("shard numbers and names", () => {
	it("keep the names of shards of no region, and put the region in the others'", () => {
		expect(shardName("chat0000000001", 1)).toBe("chat0000000001/1");
		expect(shardName("chat0000000001", 42)).toBe("chat0000000001/42");
		expect(shardName("chat0000000001", firstShardOf("apac"))).toBe("chat0000000001/apac/1");
		expect(shardName("chat0000000001", firstShardOf("me") + 2)).toBe("chat0000000001/me/3");
	});

	it("tell each shard's region, and the next shard of a region is the number after it", () => {
		expect(regionOfShard(0)).toBeNull();
		expect(regionOfShard(7)).toBeNull();
		for (const region of locationHints) {
			expect(regionOfShard(firstShardOf(region))).toBe(region);
			expect(regionOfShard(firstShardOf(region) + 500)).toBe(region);
		}
	});
});

/** Where a batch goes from the root by the plan, each shard's plan applied again where it relays. */
function edges(shards: number[], directMax: number, rootRegion: LocationHint | null) {
	const calls: Array<{ from: number; to: number }> = [];
	const follow = (from: number, plan: Map<number, number[]>) => {
		expect(plan.size).toBeLessThanOrEqual(directMax);
		for (const [to, onward] of plan) {
			calls.push({ from, to });
			if (onward.length > 0) follow(to, relayPlan(onward, directMax, regionOfShard(to)));
		}
	};
	follow(0, fanoutPlan(shards, directMax, rootRegion));
	return calls;
}

const someShards = fc.uniqueArray(
	fc.oneof(
		fc.integer({ min: 1, max: 40 }),
		fc
			.tuple(fc.constantFrom(...locationHints), fc.integer({ min: 0, max: 40 }))
			.map(([region, n]) => firstShardOf(region) + n),
	),
	{ maxLength: 120 },
);

/** Shards of a chat, ROOM_FANOUT_DIRECT_MAX, and the root's region. */
const planCases = fc.tuple(
	someShards,
	fc.integer({ min: 1, max: 12 }),
	fc.constantFrom(null, ...locationHints),
);

describe("the fan-out plan over regions", () => {
	it("reaches every shard once, with no object calling more than ROOM_FANOUT_DIRECT_MAX shards", () => {
		fc.assert(
			fc.property(planCases, ([shards, directMax, root]) => {
				const reached = edges(shards, directMax, root).map((call) => call.to);
				expect(reached.sort((a, b) => a - b)).toEqual([...shards].sort((a, b) => a - b));
			}),
		);
	});

	it("past ROOM_FANOUT_DIRECT_MAX, sends a batch into each other region once", () => {
		fc.assert(
			fc.property(planCases, ([shards, directMax, root]) => {
				fc.pre(shards.length > directMax);
				const regionOf = (idx: number) => (idx === 0 ? root : regionOfShard(idx));
				for (const region of locationHints) {
					if (region === root || !shards.some((idx) => regionOfShard(idx) === region)) continue;
					const into = edges(shards, directMax, root).filter(
						(call) => regionOfShard(call.to) === region && regionOf(call.from) !== region,
					);
					expect(into.length).toBe(1);
				}
			}),
		);
	});

	it("up to ROOM_FANOUT_DIRECT_MAX, the root calls every shard itself, in whichever region", () => {
		const shards = [firstShardOf("apac"), firstShardOf("weur"), 1];
		expect([...fanoutPlan(shards, 3)]).toEqual([
			[1, []],
			[firstShardOf("weur"), []],
			[firstShardOf("apac"), []],
		]);
	});

	it("has the root call its own region's shards itself, and one shard of each other region", () => {
		const apac = [0, 1, 2, 3].map((n) => firstShardOf("apac") + n);
		const weur = [0, 1, 2].map((n) => firstShardOf("weur") + n);
		const plan = fanoutPlan([...apac, ...weur], 4, "apac");
		expect([...plan]).toEqual([
			[apac[0], [apac[3]]],
			[apac[1], []],
			[apac[2], []],
			[weur[0], [weur[1], weur[2]]],
		]);
	});
});
