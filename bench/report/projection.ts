/**
 * A projection, not a measurement: the fan-out time of one message to 1,000,000 listeners at the
 * default ROOM_SHARD_CAPACITY, from figures measured on this machine (one object sending to a few
 * thousand real sockets; the root's CPU per message as its shards grow, from tree-scale).
 *
 * Usage: npm run bench:projection -- <results.json> [more results.json]
 * (the inputs may come from separate runs, e.g. `--only spread-room` and `--only tree-scale`).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCommandLine } from "../lib/command-line.ts";
import { type TreeStep, treeSteps } from "../scenarios/tree-scale.ts";
import type { Results, RoomRun } from "./results.ts";

/** worker/config.ts's default ROOM_SHARD_CAPACITY (the bench cannot import the Worker's settings). */
export const defaultCapacity = 2000;
export const listeners = 1_000_000;

/** One object's cost per socket per message, from a run that held every socket in one object. */
export interface SocketCost {
	source: string;
	sockets: number;
	messages: number;
	/** CPU of the object's thread (the busiest thread of the runtime) per message per socket, µs. */
	threadMicros: number;
	/** CPU of the whole runtime process per message per socket, µs. */
	processMicros: number;
	p50Ms: number;
	maxMs: number;
}

export interface Projection {
	listeners: number;
	capacity: number;
	shards: number;
	socketCost: SocketCost;
	/** Every one-object run found, the one used among them. */
	socketCosts: SocketCost[];
	/** Every tree-scale step used, as measured. */
	steps: TreeStep[];
	/** root ms per message = intercept + perChild x children, through the two largest trees measured. */
	rootFit: { intercept: number; perChildMs: number; from: number; to: number };
	rootFitUpper: { intercept: number; perChildMs: number };
	rootMs: number;
	rootUpperMs: number;
	shardMs: number;
	lastListenerMs: number;
	lastListenerUpperMs: number;
	/** The same with one object's measured time to its last client (queueing on this machine included) instead of its CPU. */
	lastListenerByLatencyMs: number;
	shardMessagesPerSecond: number;
	rootMessagesPerSecond: number;
	/** Shard calls (RPC requests) per chat message, one per active shard per flush. */
	requestsPerMessage: number;
	/** Shard calls counted (logpoint in ChatShard.deliver) for one message to a spread chat, where measured. */
	countedCalls: {
		source: string;
		objects: number;
		calls: number;
		burst?: { messages: number; shardCalls: number };
	}[];
}

/** Runs of edgechat holding every socket in one object, at least 1,000 of them, with a paced phase. */
export function socketCosts(rooms: RoomRun[]): SocketCost[] {
	return rooms.flatMap((run) => {
		const phase = run.phases.find((entry) => entry.name === "paced");
		if (run.kind !== "edgechat" || run.objects !== 1 || run.clients < 1000 || !phase || phase.sent === 0)
			return [];
		const perSocket = (cores: number) => (cores * phase.cpu.seconds * 1e6) / phase.sent / run.clients;
		return [
			{
				source: `${run.scenario} · ${run.server}`,
				sockets: run.clients,
				messages: phase.sent,
				threadMicros: perSocket(phase.cpu.serverHottestThread.cores),
				processMicros: perSocket(phase.cpu.serverCores),
				p50Ms: phase.latencyMs.p50,
				maxMs: phase.latencyMs.max,
			},
		];
	});
}

function line(from: { x: number; y: number }, to: { x: number; y: number }) {
	const perChildMs = (to.y - from.y) / Math.max(to.x - from.x, 1);
	return { intercept: to.y - perChildMs * to.x, perChildMs };
}

/** The projection from these results, or why it cannot be made. */
export function project(results: Results[], capacity = defaultCapacity): Projection | string {
	const rooms = results.flatMap((result) => result.rooms);
	const costs = socketCosts(rooms);
	// The room measured closest to a shard of `capacity` sockets (the larger of two as close).
	const distance = (cost: SocketCost) => Math.abs(Math.log(cost.sockets / capacity));
	const socketCost = [...costs].sort((a, b) => distance(a) - distance(b) || b.sockets - a.sockets)[0];
	if (!socketCost)
		return "no run of edgechat with 1,000 or more sockets in one object (e.g. --only spread-room)";
	const scenarios = [...new Set(rooms.map((run) => run.scenario).filter((id) => id.startsWith("tree-")))];
	const steps = scenarios.map((id) => treeSteps(rooms, id)).sort((a, b) => b.length - a.length)[0];
	if (!steps || steps.length < 2) return "no tree-scale run with two or more steps (--only tree-scale)";
	const [before, last] = steps.slice(-2);
	if (!before || !last) return "no tree-scale steps";
	const shards = Math.ceil(listeners / capacity) - 1;
	const rootFit = {
		...line({ x: before.children, y: before.rootMs }, { x: last.children, y: last.rootMs }),
		from: before.children,
		to: last.children,
	};
	const upper = (step: TreeStep) => step.rootMs + step.unattributedMs;
	const rootFitUpper = line({ x: before.children, y: upper(before) }, { x: last.children, y: upper(last) });
	const rootMs = rootFit.intercept + rootFit.perChildMs * shards;
	const rootUpperMs = rootFitUpper.intercept + rootFitUpper.perChildMs * shards;
	const shardMs = (capacity * socketCost.threadMicros) / 1000;
	return {
		listeners,
		capacity,
		shards,
		socketCost,
		socketCosts: costs,
		steps,
		rootFit,
		rootFitUpper,
		rootMs,
		rootUpperMs,
		shardMs,
		lastListenerMs: rootMs + shardMs,
		lastListenerUpperMs: rootUpperMs + shardMs,
		lastListenerByLatencyMs: rootUpperMs + socketCost.maxMs,
		shardMessagesPerSecond: 1000 / shardMs,
		rootMessagesPerSecond: 1000 / rootMs,
		requestsPerMessage: shards,
		countedCalls: results.flatMap((result) =>
			result.idle.flatMap((run) =>
				run.shards?.callsForNextMessage === undefined || run.objects === undefined
					? []
					: [
							{
								source: `${run.scenario} · ${run.server}`,
								objects: run.objects,
								calls: run.shards.callsForNextMessage,
								...(run.shards.burst && { burst: run.shards.burst }),
							},
						],
			),
		),
	};
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

export function formatProjection(projection: Projection | string): string {
	if (typeof projection === "string") return `projection: not made: ${projection}`;
	const p = projection;
	const c = p.socketCost;
	const out = [
		`PROJECTED (not measured): one message to ${p.listeners.toLocaleString("en-US")} listeners at ROOM_SHARD_CAPACITY ${p.capacity.toLocaleString("en-US")} ` +
			`(the root holds ${p.capacity.toLocaleString("en-US")} itself, ${p.shards} shards hold the rest)`,
		"  inputs, measured on this machine (2 shared cores, every object in one workerd process):",
		...p.socketCosts.map(
			(cost) =>
				`  - one object's send cost${cost === c ? " (used: the size closest to the capacity)" : ""}: ` +
				`${cost.sockets.toLocaleString("en-US")} sockets in one object (${cost.source}), ${cost.messages} paced messages: ` +
				`${cost.threadMicros.toFixed(1)} µs of its thread's CPU per socket per message (${cost.processMicros.toFixed(1)} µs of the whole process); ` +
				`fan-out p50 ${cost.p50Ms.toFixed(0)} ms, last client ${cost.maxMs.toFixed(0)} ms`,
		),
		...p.steps.map(
			(step) =>
				`  - tree-scale, ${step.children} shard(s): root ${step.rootMs.toFixed(3)} ms per message (profile attribution), ` +
				`${(step.rootMs + step.unattributedMs).toFixed(3)} ms with every unattributed sample; fan-out p50 ${step.p50Ms.toFixed(1)} ms, p99 ${step.p99Ms.toFixed(1)} ms`,
		),
		"  model: the root's CPU per message is linear in its shards through the two largest trees measured " +
			`(${p.rootFit.from} and ${p.rootFit.to}): ${p.rootFit.intercept.toFixed(3)} ms + ${(p.rootFit.perChildMs * 1000).toFixed(1)} µs per shard ` +
			`(upper: ${p.rootFitUpper.intercept.toFixed(3)} ms + ${(p.rootFitUpper.perChildMs * 1000).toFixed(1)} µs); ` +
			`each shard runs on its own thread and sends to ${p.capacity.toLocaleString("en-US")} sockets at the measured cost per socket; ` +
			"the hop between machines is not measured here and counts as 0; the root's last call leaves when its loop ends.",
		`  projected: root ${ms(p.rootMs)} per message (upper ${ms(p.rootUpperMs)}), ${p.requestsPerMessage} shard calls per message; ` +
			`one shard ${ms(p.shardMs)}; last listener after about ${ms(p.lastListenerMs)} (upper ${ms(p.lastListenerUpperMs)}) plus the network hop; ` +
			`${ms(p.lastListenerByLatencyMs)} with the upper root figure and the measured time to the last of ${p.socketCost.sockets.toLocaleString("en-US")} clients of one object instead of its CPU`,
		`  projected: a shard saturates at ${p.shardMessagesPerSecond.toFixed(1)} flushes/s, the root at ${p.rootMessagesPerSecond.toFixed(0)} flushes/s ` +
			`(one flush carries every message of one turn of the root)`,
	];
	for (const counted of p.countedCalls)
		out.push(
			`  cost model input, measured: one message to a chat held by ${counted.objects} objects (the root and ` +
				`${counted.objects - 1} shards) took ${counted.calls} calls to shards (logpoint in ChatShard.deliver; ${counted.source})` +
				(counted.burst
					? `; a burst of ${counted.burst.messages} messages from 10 senders within 20 ms took ${counted.burst.shardCalls} ` +
						`(${(counted.burst.shardCalls / Math.max(counted.burst.messages, 1)).toFixed(2)} per message)`
					: ""),
		);
	out.push(
		`  cost model input, projected: one call per shard per flush: ${p.requestsPerMessage} requests per message when ` +
			`each flush carries one message; ${(p.requestsPerMessage * 10_000).toLocaleString("en-US")} for the reference event's 10,000 messages ` +
			"(fewer only if messages share a flush: see the burst above, where measured)",
	);
	if (p.shards > p.rootFit.to)
		out.push(
			`  note: ${p.shards} shards is beyond the largest tree measured (${p.rootFit.to}): the root's figure is extrapolated.`,
		);
	return out.join("\n");
}

const usage = `
usage: npm run bench:projection -- <results.json> [more results.json]

Prints the fan-out of one message to ${listeners.toLocaleString("en-US")} listeners at the default capacity, projected
from figures a bench run measured: one object's send cost per socket (send-cost or spread-room)
and the root's CPU per message as its shards grow (tree-scale). The inputs may come from separate
runs, e.g. \`npm run bench -- --only send-cost,tree-scale\` writes both into one results.json.

  -h, --help   this text
`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const { positionals: files } = parseCommandLine(usage, { allowPositionals: true, options: {} });
	if (files.length === 0) {
		process.stderr.write(`${usage.trim()}\n`);
		process.exit(2);
	}
	const results: Results[] = files.map((file) => JSON.parse(readFileSync(file, "utf8")));
	process.stdout.write(`${formatProjection(project(results))}\n`);
}
