import type { ServerSpec } from "../servers/servers.ts";
import type { ExportPlan } from "./export.ts";
import type { HistoryPlan } from "./history.ts";
import type { IdlePlan } from "./idle.ts";
import type { RoomPlan } from "./room.ts";
import { type SearchPlan, searchPlans } from "./search.ts";
import type { TreeScalePlan } from "./tree-scale.ts";

/**
 * What `npm run bench` runs, in order. Every server of a scenario starts fresh (descriptors of
 * closed sockets linger in a server that held thousands). Rooms up to a few thousand sockets go
 * through `wrangler dev`, as a developer runs the app; the dev proxy holds about four descriptors
 * per socket, so the largest room talks to the runtime directly.
 */
export interface Plan {
	rooms: RoomPlan[];
	treeScale: TreeScalePlan;
	history: HistoryPlan;
	search: SearchPlan;
	idle: IdlePlan;
	export: ExportPlan;
}

const dev = {
	edgechat: { kind: "edgechat", transport: "wrangler-dev" },
	edgechatApiOnly: { kind: "edgechat", transport: "wrangler-dev", apiOnly: true },
	bare: { kind: "bare-room", transport: "wrangler-dev" },
	bareStored: { kind: "bare-room-stored", transport: "wrangler-dev" },
	bareGreeting: { kind: "bare-room-greeting", transport: "wrangler-dev" },
} satisfies Record<string, ServerSpec>;
const direct = {
	edgechat: { kind: "edgechat", transport: "direct" },
	edgechatApiOnly: { kind: "edgechat", transport: "direct", apiOnly: true },
	bare: { kind: "bare-room", transport: "direct" },
	bareStored: { kind: "bare-room-stored", transport: "direct" },
	bareGreeting: { kind: "bare-room-greeting", transport: "direct" },
} satisfies Record<string, ServerSpec>;
const nodeWs: ServerSpec = { kind: "node-ws", transport: "node" };

/**
 * edgechat with its chat spread over shard objects: `ROOM_SHARD_CAPACITY` sockets per object
 * (the root holds the first ones), named so in every table.
 */
function spread(base: ServerSpec, capacity: number): ServerSpec {
	return {
		...base,
		vars: { ...base.vars, ROOM_SHARD_CAPACITY: String(capacity) },
		suffix: `spread, ${capacity.toLocaleString("en-US")} sockets per object`,
	};
}

/** edgechat with the whole chat in its root, however large: the capacity is above any room here. */
function oneObject(base: ServerSpec): ServerSpec {
	return { ...base, vars: { ...base.vars, ROOM_SHARD_CAPACITY: "1000000" }, suffix: "one object" };
}

/** A paced phase: one sender at a rate every server should sustain; latency is the figure. */
function paced(senders: number, rate: number, durationMs: number) {
	return { name: "paced", senders, rate, durationMs, maxInFlightPerSender: 1_000_000, drainMs: 20_000 };
}

/** A saturated phase: more offered than any server here delivers; throughput is the figure. */
function saturated(senders: number, rate: number, durationMs: number, maxInFlightPerSender: number) {
	return { name: "saturated", senders, rate, durationMs, maxInFlightPerSender, drainMs: 20_000 };
}

export function fullPlan(): Plan {
	return {
		rooms: [
			{
				id: "room-1000",
				title: "N=1,000: paced (1 sender, 20 msg/s), then saturated (10 senders, 500 msg/s offered)",
				servers: [dev.bare, nodeWs, dev.edgechat, dev.bareStored, dev.edgechatApiOnly],
				repeat: [dev.bareStored, dev.edgechat, dev.bare],
				clients: 1000,
				joinConcurrency: 64,
				phases: [paced(1, 20, 15_000), saturated(10, 500, 10_000, 4)],
				deadlineMs: 150_000,
			},
			{
				id: "room-1000-direct",
				title: "N=1,000 as above, straight to the runtime: what the dev proxy costs",
				servers: [direct.bare, direct.edgechat, direct.bareStored, direct.edgechatApiOnly],
				repeat: [direct.edgechatApiOnly, direct.bareStored, direct.edgechat, direct.bare],
				clients: 1000,
				joinConcurrency: 64,
				phases: [paced(1, 20, 15_000), saturated(10, 500, 10_000, 4)],
				deadlineMs: 150_000,
			},
			{
				id: "join-storm-4000",
				title: "N=4,000: join storm (4,000 joins, 128 in flight), then paced (1 sender, 5 msg/s)",
				servers: [dev.bare, nodeWs, dev.edgechat, dev.edgechatApiOnly],
				clients: 4000,
				joinConcurrency: 128,
				phases: [paced(1, 5, 15_000)],
				deadlineMs: 180_000,
			},
			{
				id: "join-storm-4000-direct",
				title:
					"N=4,000 join storm as above, straight to the runtime: what a deployed room does without the dev proxy",
				servers: [direct.bare, direct.edgechat, direct.edgechatApiOnly],
				clients: 4000,
				joinConcurrency: 128,
				phases: [paced(1, 5, 15_000)],
				deadlineMs: 180_000,
			},
			{
				id: "largest-room",
				title:
					"The largest room the open-file limit allows, straight to the runtime: paced (1 sender, 2 msg/s)",
				servers: [
					direct.edgechat,
					direct.edgechatApiOnly,
					direct.bare,
					direct.bareStored,
					direct.bareGreeting,
					nodeWs,
				],
				clients: "ceiling",
				joinConcurrency: 128,
				phases: [paced(1, 2, 15_000)],
				deadlineMs: 240_000,
			},
			// One object's cost per socket (M1 of the room-tree notes), an input of the projection.
			...[1000, 2000, 4000, 8000].map((clients) => ({
				id: `send-cost-${clients}`,
				group: "send-cost",
				title: `One object's send cost: ${clients.toLocaleString("en-US")} sockets in one object, straight to the runtime, API only: paced (1 sender, 2 msg/s)`,
				servers: [oneObject(direct.edgechatApiOnly)],
				clients,
				joinConcurrency: 128,
				phases: [paced(1, 2, 15_000)],
				deadlineMs: 150_000,
			})),
			{
				id: "spread-room",
				title:
					"The largest room the open-file limit allows, straight to the runtime, API only: in one object, " +
					"then spread over 16 (capacity ceil(N/16)); paced (1 sender, 2 msg/s)",
				// The first server finds the size; the spread one divides that size by 16.
				servers: [
					oneObject(direct.edgechatApiOnly),
					{ ...direct.edgechatApiOnly, spreadOver: 16 },
					direct.bare,
				],
				clients: "ceiling",
				joinConcurrency: 128,
				phases: [paced(1, 2, 15_000)],
				deadlineMs: 240_000,
			},
			{
				id: "spread-join-storm",
				title:
					"Join storm, 4,000 joins (128 in flight) straight to the runtime, API only: in one object, then " +
					"spread over 16 (capacity 250); the joins' CPU profiled and given to the objects that spent it",
				servers: [oneObject(direct.edgechatApiOnly), { ...direct.edgechatApiOnly, spreadOver: 16 }],
				clients: 4000,
				joinConcurrency: 128,
				phases: [paced(1, 2, 5000)],
				deadlineMs: 180_000,
				// The root's share of each join is read from the profile (every object runs on one thread here).
				profileAlways: true,
			},
		],
		treeScale: {
			id: "tree-scale",
			title:
				"The root's CPU per message and the fan-out latency with 1, 4, 16, 64 and 256 shards of one socket " +
				"each, straight to the runtime, API only: paced, 100 messages from 1 sender on the root at 10 msg/s " +
				"(at most 512 shard calls/s: 8 msg/s with 64 shards, 2 with 256)",
			server: direct.edgechatApiOnly,
			children: [1, 4, 16, 64, 256],
			phase: paced(1, 10, 10_000),
			maxBatchesPerSecond: 512,
			deadlineMs: 150_000,
			profileIntervalMicros: 100,
		},
		history: {
			id: "history-1m",
			title: "A page of 50 below seq 500,000 in a log of 1,000,000 messages",
			messages: 1_000_000,
			batch: 25_000,
			depth: 500_000,
			limit: 50,
			samples: 2000,
			requests: 1000,
			deadlineMs: 180_000,
		},
		search: searchPlans.full,
		idle: {
			id: "idle-1000",
			title: "N=1,000 idle: a ping every 10 s per client for 60 s",
			// The last: a chat spread over the root and 9 shards of 100 sockets.
			servers: [
				dev.bare,
				nodeWs,
				dev.edgechat,
				dev.edgechatApiOnly,
				dev.bareGreeting,
				spread(dev.edgechat, 100),
			],
			clients: 1000,
			pingEveryMs: 10_000,
			durationMs: 60_000,
			joinConcurrency: 64,
			deadlineMs: 150_000,
		},
		export: {
			id: "export-1m",
			title: "Export of a 1,000,000-message chat as NDJSON: messages/s and the runtime's peak memory",
			messages: 1_000_000,
			seedWindow: 500,
			deadlineMs: 20 * 60_000,
		},
	};
}

/** Every code path of the full plan, small and short: a smoke run of about 2 minutes on 2 cores. */
export function quickPlan(): Plan {
	return {
		rooms: [
			{
				id: "room-200",
				title: "N=200: paced (1 sender, 20 msg/s), then saturated (10 senders, 500 msg/s offered)",
				servers: [dev.bare, nodeWs, dev.edgechat],
				clients: 200,
				joinConcurrency: 64,
				phases: [paced(1, 20, 2000), saturated(10, 500, 2000, 4)],
				deadlineMs: 40_000,
			},
			{
				id: "largest-room-direct-300",
				title: "N=300 straight to the runtime, ceiling found from descriptors per socket",
				servers: [direct.edgechat],
				clients: 300,
				joinConcurrency: 64,
				phases: [paced(1, 5, 1500)],
				deadlineMs: 40_000,
			},
			{
				id: "spread-room-300",
				title: "N=300 straight to the runtime, spread over objects of 50 sockets (the root and 5 shards)",
				servers: [spread(direct.edgechat, 50)],
				clients: 300,
				joinConcurrency: 64,
				phases: [paced(1, 5, 1500)],
				deadlineMs: 40_000,
			},
		],
		treeScale: {
			id: "tree-scale-4",
			title: "The root with 4 shards of one socket each: paced (1 sender, 10 msg/s)",
			server: direct.edgechatApiOnly,
			children: [4],
			phase: paced(1, 10, 1000),
			maxBatchesPerSecond: 512,
			deadlineMs: 30_000,
			profileIntervalMicros: 100,
		},
		history: {
			id: "history-20k",
			title: "A page of 50 below seq 10,000 in a log of 20,000 messages",
			messages: 20_000,
			batch: 10_000,
			depth: 10_000,
			limit: 50,
			samples: 200,
			requests: 100,
			deadlineMs: 30_000,
		},
		search: searchPlans.quick,
		idle: {
			id: "idle-100",
			title: "N=100 idle: a ping every second per client for 3 s",
			servers: [dev.bare, dev.edgechat, dev.edgechatApiOnly],
			clients: 100,
			pingEveryMs: 1000,
			durationMs: 3000,
			joinConcurrency: 64,
			deadlineMs: 40_000,
		},
		export: {
			id: "export-10k",
			title: "Export of a 10,000-message chat as NDJSON",
			messages: 10_000,
			seedWindow: 500,
			deadlineMs: 60_000,
		},
	};
}
