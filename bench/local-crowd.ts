/**
 * `npm run bench:local-crowd` [-- --sockets N] [-- --url http://127.0.0.1:8787]: a local load test
 * the way a developer writes one. N clients (500 by default) from this machine join one chat
 * through `wrangler dev`, each with its own token request and WebSocket (`ready` awaited), as
 * ChatClient joins; every answer must be a success, none a 429. Then one client that says it is
 * `CF-Connecting-IP: 203.0.113.9` (not a loopback address) takes tokens until refused: its 61st
 * in the minute must be a 429, so the limits a deployment has still hold.
 *
 * Without --url it starts `wrangler dev` as `npm start` does (the repository's wrangler.toml and
 * .dev.vars, 127.0.0.1), on a port of its own, and stops it at the end.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import WebSocket from "ws";
import { frameType } from "./generator/frames.ts";
import { joined } from "./generator/joined-socket.ts";
import { field } from "./generator/room.ts";
import { parseCommandLine } from "./lib/command-line.ts";
import { freePort } from "./lib/ports.ts";
import { sleep } from "./lib/time.ts";
import { Child, stopAllChildrenNow } from "./servers/child.ts";

const usage = `
usage: npm run bench:local-crowd [-- --sockets N] [-- --url http://127.0.0.1:PORT]

N clients of this machine join one chat through wrangler dev (its own, or the one at --url), each
with a token and a WebSocket; any 429 fails the run. Then a client that says it is
CF-Connecting-IP 203.0.113.9 must be refused its 61st token in the minute.

  --sockets N   clients that join (default 500)
  --url origin  an edgechat already running (default: start wrangler dev on a port of its own)
  -h, --help    this text
`;
const { values: options } = parseCommandLine(usage, {
	options: {
		sockets: { type: "string", default: "500" },
		url: { type: "string" },
	},
});
const sockets = Number(options.sockets);
if (!(sockets >= 1)) throw new Error("--sockets takes a positive number");
const concurrency = 32;
const repoRoot = resolve(import.meta.dirname, "..");

process.on("exit", stopAllChildrenNow);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));
setTimeout(() => {
	process.stdout.write("did not finish within 5 min; stopping\n");
	process.exit(2);
}, 5 * 60_000).unref();

const { origin, server } = options.url ? { origin: options.url, server: null } : await startWranglerDev();
const answers = new Map<string, number>();
const tally = (what: string) => answers.set(what, (answers.get(what) ?? 0) + 1);

const chatId = field(await postJson(`${origin}/api/chats`, { name: "Local crowd" }), "id");
if (chatId === null) throw new Error("POST /api/chats: no id in the answer");
const open: WebSocket[] = [];
const started = performance.now();
let next = 0;
await Promise.all(
	Array.from({ length: concurrency }, async () => {
		while (next < sockets) {
			const index = next++;
			try {
				open.push(await joinOne(index));
			} catch (error) {
				tally(error instanceof Error ? error.message : String(error));
			}
		}
	}),
);
const seconds = (performance.now() - started) / 1000;
for (const socket of open) socket.close(1000, "done");

const limited = await tokensUntilRefused("203.0.113.9", 70);
await server?.stop();

const summary = [...answers].map(([what, count]) => `${what} x${count}`).join(", ");
process.stdout.write(
	`${open.length} of ${sockets} clients from 127.0.0.1 joined one chat in ${seconds.toFixed(1)} s ` +
		`(${(open.length / seconds).toFixed(0)}/s); answers: ${summary}\n` +
		`CF-Connecting-IP: 203.0.113.9: ${limited.granted} tokens, then ${limited.refusedWith ?? "no refusal"}\n`,
);
const passed =
	open.length === sockets &&
	![...answers.keys()].some((what) => what.includes("429")) &&
	limited.granted === 60;
process.exit(passed ? 0 : 1);

/** One client as ChatClient joins: a token, then the WebSocket with the token as a subprotocol. */
async function joinOne(index: number): Promise<WebSocket> {
	const response = await fetch(`${origin}/api/chats/${chatId}/tokens`, {
		method: "POST",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify({ name: `local ${index}` }),
		signal: AbortSignal.timeout(30_000),
	});
	tally(`token ${response.status}`);
	if (response.status !== 201) throw new Error(`token: HTTP ${response.status}`);
	const token = field(await response.json(), "token");
	if (token === null) throw new Error("token: no token in the answer");
	const socket = new WebSocket(
		`${origin.replace(/^http/, "ws")}/api/chats/${chatId}/ws`,
		["edgechat.v1", `edgechat.token.${token}`],
		{ perMessageDeflate: false, handshakeTimeout: 30_000 },
	);
	await joined(socket, { timeoutMs: 30_000, readyWhen: (data) => frameType(data) === "ready" });
	tally("ready");
	return socket;
}

/** Token requests as `address` until one is refused (at most `most`), within one limit window. */
async function tokensUntilRefused(address: string, most: number) {
	// The local Rate Limiting binding counts per clock minute: start with time to finish in this one.
	const left = 60_000 - (Date.now() % 60_000);
	if (left < 10_000) await sleep(left + 100);
	let granted = 0;
	for (let n = 0; n < most; n++) {
		const response = await fetch(`${origin}/api/chats/${chatId}/tokens`, {
			method: "POST",
			headers: { "Content-Type": "application/json", "CF-Connecting-IP": address },
			body: JSON.stringify({ name: `far ${n}` }),
		});
		const body = await response.text();
		if (response.status !== 201) return { granted, refusedWith: `${response.status} ${body}` };
		granted++;
	}
	return { granted, refusedWith: null };
}

async function postJson(url: string, body: unknown): Promise<unknown> {
	const response = await fetch(url, {
		method: "POST",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify(body),
	});
	if (response.status !== 201) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
	return response.json();
}

/** `wrangler dev` as `npm start` runs it, on a free port; resolves once /api/health answers. */
async function startWranglerDev(): Promise<{ origin: string; server: Child }> {
	mkdirSync(join(repoRoot, "dist", "web"), { recursive: true });
	const port = await freePort();
	const logPath = join(mkdtempSync(join(tmpdir(), "edgechat-local-crowd-")), "wrangler-dev.log");
	const child = new Child(
		process.execPath,
		["node_modules/wrangler/bin/wrangler.js", "dev", "--ip", "127.0.0.1", "--port", String(port)],
		{ cwd: repoRoot, logPath },
	);
	const origin = `http://127.0.0.1:${port}`;
	const deadline = performance.now() + 90_000;
	while (performance.now() < deadline) {
		if (child.hasExited) throw new Error(`wrangler dev ${child.describeExit()}:\n${child.tail()}`);
		const health = await fetch(`${origin}/api/health`).catch(() => null);
		if (health?.ok) return { origin, server: child };
		await sleep(200);
	}
	await child.stop();
	throw new Error(`wrangler dev did not answer within 90 s:\n${child.tail()}`);
}
