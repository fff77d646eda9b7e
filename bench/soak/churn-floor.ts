/**
 * `npm run bench:churn` [-- --seconds N]: the floor for the soak's memory growth. The soak found
 * the runtime's native memory growing with sockets opened and closed, not with messages. This
 * runs the same churn against edgechat and against the bare room (a Durable Object that only
 * accepts hibernatable sockets: the least any room on this runtime does), with and without a
 * greeting frame and with presence frames, at once, straight to workerd, and prints each one's workerd RSS growth per socket churned. What the bare room grows
 * is the local runtime's; what edgechat grows beyond it is ours.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import WebSocket from "ws";
import { nameProtocolPrefix, socketProtocol } from "../../worker/protocol/subprotocols.ts";
import { parseCommandLine } from "../lib/command-line.ts";
import { processTree, sampleTree } from "../lib/proc.ts";
import { sleep } from "../lib/time.ts";
import { stopAllChildrenNow } from "../servers/child.ts";
import { type Server, startServer, stopServer } from "../servers/servers.ts";

const usage = `
usage: npm run bench:churn [-- --seconds N]

Opens and closes sockets against edgechat and the bare room (bare, with a greeting frame, and with
the frames of presence) at once, straight to workerd, and prints each one's workerd memory growth per socket churned: the
floor for the soak's growth.

  --seconds N   how long to churn (default 180)
  -h, --help    this text
`;
const { values } = parseCommandLine(usage, { options: { seconds: { type: "string", default: "180" } } });
const durationMs = Number(values.seconds) * 1000;
const steadySockets = 50;
/** Sockets opened and closed each second: each is held half a second. */
const churnPerSecond = 10;
const workspace = {
	repoRoot: resolve(import.meta.dirname, "../.."),
	dir: mkdtempSync(join(tmpdir(), "edgechat-churn-")),
};
process.on("exit", stopAllChildrenNow);

interface Target {
	server: Server;
	/** A socket URL and subprotocols for one more client (edgechat: a fresh token each). */
	next(): Promise<{ url: string; protocols: string[] }>;
}

async function edgechatTarget(): Promise<Target> {
	const server = await startServer({ kind: "edgechat", transport: "direct", apiOnly: true }, workspace);
	const post = (path: string, body: unknown) =>
		fetch(`${server.origin}${path}`, {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify(body),
		}).then((response) => response.json() as Promise<{ id: string }>);
	const chat = await post("/api/chats", { name: "Churn" });
	const socketUrl = `${server.origin.replace("http", "ws")}/api/chats/${chat.id}/ws`;
	// Each churner joins in one request, as a first visit does: no token request beside the
	// socket, so what is left behind is the socket's alone.
	const name = `${nameProtocolPrefix}${Buffer.from("churner", "utf8").toString("base64url")}`;
	return { server, next: async () => ({ url: socketUrl, protocols: [socketProtocol, name] }) };
}

/**
 * The bare room, the same room sending each socket one frame as it connects (a socket that has
 * carried a frame costs the runtime more than one that never did, and every chat greets), and the
 * same room sending the frames a chat's presence sends: a `ready` with who is online, and a
 * `presence` frame to every socket per window. What edgechat keeps beyond that last one is ours.
 */
async function bareTarget(kind: "bare-room" | "bare-room-greeting" | "bare-room-presence"): Promise<Target> {
	const server = await startServer({ kind, transport: "direct" }, workspace);
	const url = `${server.origin.replace("http", "ws")}/rooms/churn/ws`;
	return { server, next: async () => ({ url, protocols: [] }) };
}

function open(target: Target): Promise<WebSocket> {
	return target.next().then(
		({ url, protocols }) =>
			new Promise((opened, failed) => {
				const socket = new WebSocket(url, protocols);
				socket.on("open", () => opened(socket));
				socket.on("error", failed);
			}),
	);
}

function workerdRss(server: Server): number {
	const sample = sampleTree(processTree(server.child.pid));
	let bytes = 0;
	for (const process of sample.byPid.values())
		if (process.name.includes("workerd")) bytes += process.rssBytes;
	return bytes;
}

async function churn(target: Target): Promise<{ churned: number; firstRss: number; lastRss: number }> {
	const steady = await Promise.all(Array.from({ length: steadySockets }, () => open(target)));
	await sleep(2000);
	const firstRss = workerdRss(target.server);
	const started = performance.now();
	let churned = 0;
	while (performance.now() - started < durationMs) {
		const batch = await Promise.all(Array.from({ length: churnPerSecond }, () => open(target)));
		churned += batch.length;
		await sleep(500);
		for (const socket of batch) socket.close();
		await sleep(500);
	}
	await sleep(2000);
	const lastRss = workerdRss(target.server);
	for (const socket of steady) socket.close();
	return { churned, firstRss, lastRss };
}

const targets = [
	await edgechatTarget(),
	await bareTarget("bare-room"),
	await bareTarget("bare-room-greeting"),
	await bareTarget("bare-room-presence"),
];
const results = await Promise.all(targets.map(churn));
for (const [index, target] of targets.entries()) {
	const { churned, firstRss, lastRss } = results[index] as Awaited<ReturnType<typeof churn>>;
	const grown = lastRss - firstRss;
	console.log(
		`${target.server.label}: workerd RSS ${(firstRss / 2 ** 20).toFixed(1)} → ${(lastRss / 2 ** 20).toFixed(1)} MiB over ${churned} sockets opened and closed: ${(grown / churned / 1024).toFixed(1)} KiB per socket`,
	);
	await stopServer(target.server);
}
