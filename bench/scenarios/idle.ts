import { runFanout } from "../generator/fanout.ts";
import { joinClients } from "../generator/join.ts";
import { Room } from "../generator/room.ts";
import { bundleLines, constructorLine, LogpointCounter, methodLine } from "../lib/constructions.ts";
import { InspectorSession } from "../lib/inspector.ts";
import { intervalUse, snapshot } from "../lib/proc.ts";
import { sleep, waitUntil, withDeadline } from "../lib/time.ts";
import { cpuFigures, type IdleRun, identify, noCpu } from "../report/results.ts";
import { bundleFor, isSpread, type ServerSpec, startServer, stopServer } from "../servers/servers.ts";
import { heading, memoryFigures, type RunContext } from "./context.ts";
import { readObjectCount, readWakeState } from "./wake-state.ts";

export interface IdlePlan {
	id: string;
	title: string;
	servers: ServerSpec[];
	clients: number;
	pingEveryMs: number;
	durationMs: number;
	joinConcurrency: number;
	deadlineMs: number;
}

const constructed = "ChatShard constructed";
const delivered = "ChatShard.deliver called";

/**
 * A full room where nobody talks: every client sends the text frame `ping` every `pingEveryMs`,
 * spread evenly, as a heartbeat. The runtime answers `pong` itself; the room should stay asleep.
 */
export async function runIdle(plan: IdlePlan, spec: ServerSpec, context: RunContext): Promise<IdleRun> {
	const server = await startServer(spec, context.workspace);
	const title = heading(plan.id, server.label);
	const room = new Room(server, `bench-${plan.id}`);
	const errors: string[] = [];
	let run: IdleRun | null = null;
	let inspector: InspectorSession | null = null;
	let shardCounter: LogpointCounter | null = null;
	try {
		if (server.inspectorPort !== undefined) inspector = await InspectorSession.open(server.inspectorPort);
		// A spread chat's shards keep no wake count: a logpoint in their constructor counts them,
		// and one in `deliver` the root's calls to them. Only there: the debugger they need could
		// change what the other servers' figures weigh.
		if (inspector && isSpread(spec)) {
			const bundle = await bundleFor(spec.kind, context.workspace);
			const lines = bundleLines(bundle);
			shardCounter = await LogpointCounter.attach(inspector, bundle, [
				{ name: constructed, line: constructorLine(lines, "ChatShard") },
				{ name: delivered, line: methodLine(lines, "ChatShard", "deliver") },
			]);
		}
		run = await withDeadline(title, plan.deadlineMs, measure());
	} catch (error) {
		errors.push(error instanceof Error ? error.message : String(error));
	} finally {
		inspector?.close();
		room.closeAll();
		await stopServer(server);
	}
	return run ?? failed();

	async function measure(): Promise<IdleRun> {
		await room.open();
		await sleep(250);
		const beforeTokens = snapshot(server.child.pid);
		context.progress.update(`${title} · issuing ${plan.clients} tokens`);
		await room.issueTokens(0, plan.clients, plan.joinConcurrency);
		await sleep(1000);
		const heapBefore = await inspector?.heapUsage();
		const before = snapshot(server.child.pid);
		const join = await joinClients(room, plan.clients, {
			concurrency: plan.joinConcurrency,
			joinTimeoutMs: 30_000,
			deadlineMs: 60_000,
			onProgress: (joined) => context.progress.update(`${title} · joining ${joined}/${plan.clients}`),
		});
		if (join.failed > 0)
			errors.push(`${join.failed} clients could not join: ${JSON.stringify(join.failures)}`);
		// Let presence go out and edgechat's directory report (an alarm, 2 s after the last join)
		// fire before the quiet period starts: those are wake-ups of the join, not of the pings.
		await room.settle(1000, 30_000);
		await sleep(2500);
		const heapConnected = await inspector?.heapUsage();
		const connected = snapshot(server.child.pid);
		const framesBefore = { ...room.otherFrames };
		const pongsBefore = room.pongs;
		const wakeBefore = await readWakeState(room, Date.now());
		const shardsBefore = shardCounter?.snapshot() ?? {};

		const pingsSent = await heartbeat(room, plan, (sent, elapsedMs) =>
			context.progress.update(
				`${title} · idle ${(elapsedMs / 1000).toFixed(0)} s · pings ${sent} · pongs ${room.pongs - pongsBefore}`,
			),
		);
		await waitUntil(() => room.pongs - pongsBefore >= pingsSent, 5000);
		const idleEnd = Date.now();
		const shardsAfter = shardCounter?.snapshot() ?? {};
		const objects = await readObjectCount(room);
		const after = snapshot(server.child.pid);
		const wakeAfter = await readWakeState(room, idleEnd);

		// Shards asleep at the end wake for the next message: one message, sent after the idle
		// period, must reach every client (checked by the ledger) and construct each shard once more.
		let wakeCheck: { shardsWoken: number; shardCalls: number; lost: number; duplicated: number } | null =
			null;
		let burstCalls: { messages: number; shardCalls: number } | null = null;
		if (shardCounter) {
			const probe = await runFanout(room, {
				senders: 1,
				rate: 1,
				durationMs: 1,
				maxInFlightPerSender: 1,
				drainMs: 15_000,
			});
			// The logpoints' events come over the inspector's own socket: let the last ones arrive.
			await sleep(250);
			const now = shardCounter.snapshot();
			wakeCheck = {
				shardsWoken: (now[constructed] ?? 0) - (shardsAfter[constructed] ?? 0),
				shardCalls: (now[delivered] ?? 0) - (shardsAfter[delivered] ?? 0),
				lost: probe.lost,
				duplicated: probe.duplicates,
			};
			if (probe.lost > 0 || probe.duplicates > 0 || probe.sent !== 1)
				errors.push(
					`the message after the idle period: ${probe.sent} sent, ${probe.lost} deliveries lost, ${probe.duplicates} duplicated`,
				);
			// A burst: messages that reach the root in one turn share a flush, so one call per shard.
			const callsBefore = shardCounter.count(delivered);
			const burst = await runFanout(room, {
				senders: 10,
				rate: 1000,
				durationMs: 20,
				maxInFlightPerSender: 100,
				drainMs: 15_000,
			});
			await sleep(250);
			burstCalls = { messages: burst.sent, shardCalls: shardCounter.count(delivered) - callsBefore };
			if (burst.lost > 0 || burst.duplicates > 0)
				errors.push(
					`the burst after the idle period: ${burst.lost} deliveries lost, ${burst.duplicates} duplicated`,
				);
		}

		const framesDuringIdle: Record<string, number> = {};
		for (const [type, count] of Object.entries(room.otherFrames)) {
			const during = count - (framesBefore[type] ?? 0);
			if (during > 0) framesDuringIdle[type] = during;
		}
		const clients = room.clients.length;
		const memory = memoryFigures(before, connected, clients);
		const result: IdleRun = {
			...identify(plan.id, server),
			clients,
			join,
			idleSeconds: plan.durationMs / 1000,
			pingsSent,
			pongs: room.pongs - pongsBefore,
			framesDuringIdle,
			wakeups:
				wakeBefore && wakeAfter
					? wakeAfter.constructions - wakeBefore.constructions - (wakeAfter.wokeForThisRead ? 1 : 0)
					: null,
			hibernatedAtEnd: wakeAfter ? wakeAfter.wokeForThisRead : null,
			wakeSource: wakeAfter?.source ?? "not observable: a plain Node server has no hibernation",
			...(objects !== null && { objects }),
			...(shardCounter && {
				shards: {
					constructedWhileJoining: shardsBefore[constructed] ?? 0,
					wakeups: (shardsAfter[constructed] ?? 0) - (shardsBefore[constructed] ?? 0),
					callsDuringIdle: (shardsAfter[delivered] ?? 0) - (shardsBefore[delivered] ?? 0),
					...(wakeCheck && {
						wokenByNextMessage: wakeCheck.shardsWoken,
						callsForNextMessage: wakeCheck.shardCalls,
					}),
					...(burstCalls && { burst: burstCalls }),
					source:
						"logpoints in ChatShard's constructor and deliver, through the inspector (lib/constructions.ts)",
				},
			}),
			memory: {
				...memory,
				rssAfterIdleBytes: after.server.rssBytes,
				perConnectionAfterIdleBytes:
					clients > 0 ? (after.server.rssBytes - memory.rssBeforeBytes) / clients : 0,
				tokensPerClientBytes:
					clients > 0 ? (before.server.rssBytes - beforeTokens.server.rssBytes) / clients : 0,
			},
			heapPerConnection:
				heapBefore && heapConnected && clients > 0
					? {
							jsBytes: (heapConnected.jsBytes - heapBefore.jsBytes) / clients,
							embedderBytes: (heapConnected.embedderBytes - heapBefore.embedderBytes) / clients,
							committedBytes: (heapConnected.committedBytes - heapBefore.committedBytes) / clients,
						}
					: null,
			cpu: cpuFigures(intervalUse(connected, after)),
			errors,
		};
		context.progress.log(
			`${title}: ${result.pongs}/${pingsSent} pongs, wake-ups ${result.wakeups ?? "n/a"}, ` +
				`hibernated at end: ${result.hibernatedAtEnd ?? "n/a"}, ${Math.round(result.memory.perConnectionBytes)} B/connection`,
		);
		return result;
	}

	function failed(): IdleRun {
		return {
			...identify(plan.id, server),
			clients: 0,
			join: {
				requested: plan.clients,
				joined: 0,
				failed: 0,
				failures: {},
				seconds: 0,
				perSecond: 0,
				latencyMs: { p50: 0, p99: 0, max: 0 },
				concurrency: plan.joinConcurrency,
				timedOut: true,
			},
			idleSeconds: 0,
			pingsSent: 0,
			pongs: 0,
			framesDuringIdle: {},
			wakeups: null,
			hibernatedAtEnd: null,
			wakeSource: "-",
			memory: {
				rssBeforeBytes: 0,
				rssConnectedBytes: 0,
				perConnectionBytes: 0,
				perConnectionByProcess: [],
				rssAfterIdleBytes: 0,
				perConnectionAfterIdleBytes: 0,
				tokensPerClientBytes: 0,
			},
			heapPerConnection: null,
			cpu: noCpu(),
			errors,
		};
	}
}

/**
 * Client k pings at start + round * interval + k * interval / N: the heartbeats of the room are
 * spread evenly, as those of real clients who joined at different times would be.
 */
async function heartbeat(
	room: Room,
	plan: IdlePlan,
	onProgress: (sent: number, elapsedMs: number) => void,
): Promise<number> {
	const clients = room.clients;
	const start = performance.now();
	let next = 0;
	let round = 0;
	let sent = 0;
	while (performance.now() - start < plan.durationMs) {
		const now = performance.now();
		for (;;) {
			const due = start + round * plan.pingEveryMs + (next * plan.pingEveryMs) / clients.length;
			if (due > now || due - start >= plan.durationMs) break;
			clients[next]?.socket.send("ping");
			sent++;
			next++;
			if (next === clients.length) {
				next = 0;
				round++;
			}
		}
		onProgress(sent, now - start);
		await sleep(20);
	}
	return sent;
}
