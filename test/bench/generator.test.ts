import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import { type FanoutOptions, runFanout } from "../../bench/generator/fanout.ts";
import { joinClients } from "../../bench/generator/join.ts";
import { Room, type RoomServer } from "../../bench/generator/room.ts";
import { startServer, stopServer } from "../../bench/servers/servers.ts";

/**
 * The load generator against real sockets: the bench's own Node baseline must come out whole, and
 * servers that lose or repeat one delivery must be caught with it named.
 */

const clients = 12;
/** One sender: the servers here see messages in the order they were numbered. */
const phase: FanoutOptions = {
	senders: 1,
	rate: 40,
	durationMs: 400,
	maxInFlightPerSender: 1000,
	drainMs: 1500,
};

const workspace = {
	repoRoot: resolve(import.meta.dirname, "../.."),
	dir: mkdtempSync(join(tmpdir(), "bench-test-")),
};
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	rmSync(workspace.dir, { recursive: true, force: true });
});

/** Fills a room one client at a time, so that the server numbers its sockets as the bench does. */
async function filledRoom(server: RoomServer): Promise<Room> {
	const room = new Room(server, "bench-test");
	cleanups.push(() => room.closeAll());
	const joined = await joinClients(room, clients, {
		concurrency: 1,
		joinTimeoutMs: 5000,
		deadlineMs: 20_000,
	});
	expect(joined.failed).toBe(0);
	return room;
}

type Fault = (socket: number, frame: number) => "send" | "drop" | "twice";

/** A broadcast server that mishandles what `fault` says: socket n is the n-th to connect. */
async function faultyServer(fault: Fault): Promise<RoomServer> {
	const http = createServer();
	const sockets = new WebSocketServer({ server: http, perMessageDeflate: false });
	const order = new Map<WebSocket, number>();
	let frames = 0;
	sockets.on("connection", (socket) => {
		order.set(socket, order.size);
		socket.on("message", (data) => {
			const frame = frames++;
			for (const [client, index] of order) {
				const action = fault(index, frame);
				if (action !== "drop") client.send(data, { binary: false });
				if (action === "twice") client.send(data, { binary: false });
			}
		});
	});
	await new Promise<void>((done) => http.listen(0, "127.0.0.1", done));
	cleanups.push(
		() =>
			new Promise<void>((done) => {
				for (const socket of sockets.clients) socket.terminate();
				http.close(() => done());
			}),
	);
	const { port } = http.address() as AddressInfo;
	return { kind: "node-ws", origin: `http://127.0.0.1:${port}` };
}

describe("load generator", () => {
	it("sees every message reach every client exactly once through the Node baseline", async () => {
		const server = await startServer({ kind: "node-ws", transport: "node" }, workspace);
		cleanups.push(() => stopServer(server));
		const result = await runFanout(await filledRoom(server), phase);
		expect(result.sent).toBeGreaterThan(5);
		expect(result.expected).toBe(result.sent * clients);
		expect(result.delivered).toBe(result.expected);
		expect(result.lost).toBe(0);
		expect(result.duplicates).toBe(0);
		expect(result.latencyMs.p50).toBeGreaterThan(0);
		expect(result.meanFrameBytes).toBeGreaterThan(100);
	});

	it("catches one lost delivery and names the client and the message", async () => {
		const server = await faultyServer((socket, frame) => (socket === 5 && frame === 3 ? "drop" : "send"));
		const result = await runFanout(await filledRoom(server), phase);
		expect(result.lost).toBe(1);
		expect(result.duplicates).toBe(0);
		expect(result.clientsMissing).toBe(1);
		expect(result.lossExamples).toEqual(["client 5 missed message 3"]);
	});

	it("catches one delivery sent twice", async () => {
		const server = await faultyServer((socket, frame) => (socket === 1 && frame === 2 ? "twice" : "send"));
		const result = await runFanout(await filledRoom(server), phase);
		expect(result.duplicates).toBe(1);
		expect(result.lost).toBe(0);
		expect(result.delivered).toBe(result.expected);
	});
});
