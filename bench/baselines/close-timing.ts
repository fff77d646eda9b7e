/**
 * `npm run bench:close`: how a socket the server closes ends on the local runtime
 * (`wrangler dev`, as `npm start` runs it), for edgechat's kick and for the bare room closing its
 * socket the same way (from a request other than the socket's own events). Each row: when the
 * `ws` client got the last frame, the close frame (code 4001), the end of the TCP connection, and
 * its `close` event, in ms after the close was asked for. docs/operations.md says what it shows.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import WebSocket from "ws";
import type { CreatedChat, IssuedToken } from "../../worker/protocol/index.ts";
import { parseCommandLine } from "../lib/command-line.ts";
import { sleep } from "../lib/time.ts";
import { stopAllChildrenNow } from "../servers/child.ts";
import { type Server, startServer, stopServer } from "../servers/servers.ts";

interface Timings {
	lastFrame?: number;
	closeFrame?: number;
	tcpEnd?: number;
	closeEvent?: number;
	code?: number;
}

/** `ws`'s own limit: a client that answered the close frame waits this long for the server's FIN. */
const wsCloseTimeoutMs = 30_000;

parseCommandLine(
	`
usage: npm run bench:close

Starts edgechat and the bare room under wrangler dev, closes a socket of each from the server, and
prints when a ws client sees the last frame, the close frame, the end of the TCP connection and its
close event. About a minute; no options.

  -h, --help   this text
`,
	{ options: {} },
);

process.on("exit", stopAllChildrenNow);
const repoRoot = resolve(import.meta.dirname, "../..");
const workspace = { repoRoot, dir: mkdtempSync(join(tmpdir(), "edgechat-close-timing-")) };

interface CloseCase {
	url: string;
	protocols?: string[];
	/** The frame after which the socket counts as joined; without it, the open does. */
	isReady?: (frame: string) => boolean;
	/** Asks the server to close the socket. */
	close: () => Promise<unknown>;
	/** Runs every 500 ms until the socket has ended (to keep the object busy). */
	whileClosing?: () => Promise<void>;
}

/** Opens a socket, has the server close it once joined, and times what the client sees. */
async function timeClose({ url, protocols = [], isReady, close, whileClosing }: CloseCase): Promise<Timings> {
	const socket = new WebSocket(url, protocols);
	const timings: Timings = {};
	let askedAt = 0;
	const since = () => Math.round(performance.now() - askedAt);
	let ended = false;
	socket.on("upgrade", (response) => response.socket.on("end", () => (timings.tcpEnd ??= since())));
	const done = new Promise<void>((settle) =>
		socket.on("close", (code) => {
			ended = true;
			timings.closeEvent = since();
			timings.code = code;
			settle();
		}),
	);
	await new Promise<void>((ready, fail) => {
		socket.on("error", fail);
		if (!isReady) socket.on("open", () => ready());
		socket.on("message", (data) => {
			if (askedAt !== 0) timings.lastFrame = since();
			else if (isReady?.(String(data))) ready();
		});
	});
	askedAt = performance.now();
	await close();
	// `ws` moves to CLOSING when the server's close frame arrives (and answers it at once).
	while (!ended) {
		if (timings.closeFrame === undefined && socket.readyState === WebSocket.CLOSING)
			timings.closeFrame = since();
		if (whileClosing) await whileClosing();
		await sleep(whileClosing ? 500 : 5);
	}
	await done;
	return timings;
}

function bareRoom(server: Server, keepBusy: boolean): Promise<Timings> {
	const room = `${server.origin}/rooms/close-timing-${keepBusy ? "busy" : "idle"}`;
	return timeClose({
		url: `${room.replace("http", "ws")}/ws`,
		close: () => fetch(`${room}/close`, { method: "POST" }),
		...(keepBusy && {
			whileClosing: async () => {
				await (await fetch(`${room}/stats`)).arrayBuffer();
			},
		}),
	});
}

async function edgechatKick(server: Server): Promise<Timings> {
	const post = async <T>(path: string, body: unknown, headers: Record<string, string> = {}) => {
		const response = await fetch(`${server.origin}${path}`, {
			method: "POST",
			headers: { "Content-Type": "application/json", ...headers },
			body: JSON.stringify(body),
		});
		if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
		return response.status === 204 ? (undefined as T) : ((await response.json()) as T);
	};
	const chat = await post<CreatedChat>("/api/chats", { name: "close timing" });
	const owner = await post<IssuedToken>(`/api/chats/${chat.id}/tokens`, {
		name: "owner",
		key: chat.ownerKey,
	});
	const member = await post<IssuedToken>(`/api/chats/${chat.id}/tokens`, { name: "member" });
	return timeClose({
		url: `${server.origin.replace("http", "ws")}/api/chats/${chat.id}/ws`,
		protocols: ["edgechat.v1", `edgechat.token.${member.token}`],
		isReady: (frame) => frame.includes('"type":"ready"'),
		close: () =>
			post(
				`/api/chats/${chat.id}/kicks`,
				{ userId: member.user.id },
				{ Authorization: `Bearer ${owner.token}` },
			),
	});
}

const cell = (ms: number | undefined) => (ms === undefined ? "-" : `${ms} ms`);

const bare = await startServer({ kind: "bare-room", transport: "wrangler-dev" }, workspace);
const edgechat = await startServer({ kind: "edgechat", transport: "wrangler-dev" }, workspace);
try {
	const rows: Array<[string, Timings]> = [
		["edgechat: a member kicked", await edgechatKick(edgechat)],
		["bare room: socket closed from a request", await bareRoom(bare, false)],
		["bare room: the same, the room kept busy", await bareRoom(bare, true)],
	];
	console.log(
		"\nA socket closed by the server from another request, seen by a `ws` client (wrangler dev):\n",
	);
	console.log("| case | last frame | close frame | TCP end | close event |");
	console.log("| --- | --- | --- | --- | --- |");
	for (const [name, t] of rows) {
		console.log(
			`| ${name} | ${cell(t.lastFrame)} | ${cell(t.closeFrame)} | ${cell(t.tcpEnd)} | ${cell(t.closeEvent)} (${t.code ?? "-"}) |`,
		);
	}
	console.log(
		`\nThe close frame comes at once; the runtime ends the TCP connection only when the object goes idle ` +
			`(about 10 s), or never while it stays busy, when \`ws\` gives up after its own ${wsCloseTimeoutMs / 1000} s.`,
	);
} finally {
	await stopServer(edgechat);
	await stopServer(bare);
}
