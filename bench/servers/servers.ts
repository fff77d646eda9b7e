import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../lib/ports.ts";
import { sleep } from "../lib/time.ts";
import { bundleWorker } from "./bundle.ts";
import type { Workspace } from "./workspace.ts";

export type { Workspace } from "./workspace.ts";

import { Child } from "./child.ts";
import { edgechatConfig } from "./edgechat-config.ts";

/**
 * Variants of the bare room: `bare-room-stored` writes each frame to SQLite first (the durability
 * floor); `bare-room-greeting` sends each socket one frame shaped like edgechat's `ready` when it
 * connects (what saying anything to a socket costs an idle room); `bare-room-presence` greets with
 * who is online and announces who comes and goes, as a chat's presence does.
 */
export type ServerKind =
	| "edgechat"
	| "bare-room"
	| "bare-room-stored"
	| "bare-room-greeting"
	| "bare-room-presence"
	| "node-ws"
	| "history-room";
/** How clients reach the server: through `wrangler dev` (the README's way), straight to workerd, or plain Node. */
export type Transport = "wrangler-dev" | "direct" | "node";

export interface ServerSpec {
	kind: ServerKind;
	transport: Transport;
	/**
	 * edgechat without its `[assets]` section: no static-assets router in front of the Worker. That
	 * router is one more hop for every request and WebSocket in the local runtime; this variant
	 * shows what edgechat's own code costs apart from it.
	 */
	apiOnly?: boolean;
	/**
	 * Vars this server runs with, on top of the bench's and its kind's: e.g.
	 * `{ ROOM_SHARD_CAPACITY: "600" }` spreads an edgechat chat over objects of 600 sockets.
	 */
	vars?: Record<string, string>;
	/** Added to the server's label, to tell apart servers of one kind that differ by their vars. */
	suffix?: string;
	/**
	 * edgechat only: spread the chat over this many objects (the root and its shards), whatever
	 * its size: ROOM_SHARD_CAPACITY becomes ceil(clients / spreadOver) once the size is known.
	 */
	spreadOver?: number;
}

/**
 * Whether the local runtime traces every invocation (its local observability), which costs each
 * call several times its own work. wrangler dev turns it on by default, as `npm start` users get
 * it; `X_LOCAL_OBSERVABILITY=false npm run bench` turns it off there. The runtime started straight
 * from Miniflare's API (direct-host.ts) never traces: those figures are our own code's.
 */
export const localTracing = {
	wranglerDev: process.env.X_LOCAL_OBSERVABILITY !== "false",
	direct: false,
} as const;

/** Whether the spec sets edgechat's shard capacity, so that a chat may spread over several objects. */
export function isSpread(spec: ServerSpec): boolean {
	return spec.spreadOver !== undefined || spec.vars?.ROOM_SHARD_CAPACITY !== undefined;
}

/** The spec as it starts for a room of `clients` sockets: `spreadOver` turned into its capacity var. */
export function sizedFor(spec: ServerSpec, clients: number | "ceiling"): ServerSpec {
	if (spec.spreadOver === undefined) return spec;
	if (clients === "ceiling")
		throw new Error("spreadOver needs the room's size: run a server without it first to find the ceiling");
	const { spreadOver, ...rest } = spec;
	const capacity = Math.ceil(clients / spreadOver);
	return {
		...rest,
		vars: { ...spec.vars, ROOM_SHARD_CAPACITY: String(capacity) },
		suffix: spec.suffix ?? `spread, ${capacity} sockets per object`,
	};
}

export interface Server extends ServerSpec {
	label: string;
	/** http://127.0.0.1:PORT */
	origin: string;
	child: Child;
	/** V8 inspector of the Worker's isolate (wrangler dev only), for --profile. */
	inspectorPort?: number;
}

/** What the bench knows of each kind of server: its name, its Worker config, how to see it is up. */
interface KindTraits {
	name: string;
	/** The wrangler config of a Worker; absent for the Node server. */
	config?: string;
	readyPath: string;
	/** Vars this kind runs with, on top of the bench's own. */
	vars?: Record<string, string>;
}

/** The bare room and its variants: one Worker, told apart by a var. */
const bareRoom = { config: "bench/baselines/bare-room/wrangler.toml", readyPath: "/rooms/bench-ready/stats" };

const kinds: Record<ServerKind, KindTraits> = {
	edgechat: { name: "edgechat", config: "wrangler.toml", readyPath: "/api/health" },
	"bare-room": { name: "bare DO room", ...bareRoom },
	"bare-room-stored": { name: "bare DO room + SQLite write", ...bareRoom, vars: { STORE_FRAMES: "1" } },
	"bare-room-greeting": { name: "bare DO room + greeting frame", ...bareRoom, vars: { GREET_SOCKETS: "1" } },
	"bare-room-presence": {
		name: "bare DO room + presence frames",
		...bareRoom,
		vars: { PRESENCE_FRAMES: "1" },
	},
	"node-ws": { name: "Node ws", readyPath: "/health" },
	"history-room": { name: "history room", config: "bench/history-room/wrangler.toml", readyPath: "/health" },
};

/**
 * The bench's senders are machines that send far faster than a person; the per-user rate limit
 * (20 messages / 10 s by default) would refuse them. Everything else runs with its defaults (the
 * per-address limits never count the loopback addresses the clients come from).
 */
const benchVars: Record<string, string> = {
	RATE_LIMIT_MESSAGES: "1000000000",
};

function workerConfig(kind: ServerKind): string {
	const { config } = kinds[kind];
	if (config === undefined) throw new Error(`${kind} is not a Worker`);
	return config;
}

/** The bundle a Worker server runs (built once per run). */
export function bundleFor(kind: ServerKind, workspace: Workspace): Promise<string> {
	return bundleWorker(workerConfig(kind), workspace);
}

/** The bare room or one of its variants: they all answer GET /rooms/:name/stats. */
export function isBareRoom(kind: ServerKind): boolean {
	return kinds[kind].config === bareRoom.config;
}

export function label(spec: ServerSpec): string {
	const ways: Record<Transport, string> = {
		"wrangler-dev": "wrangler dev",
		direct: "workerd direct",
		node: "node",
	};
	const named =
		spec.suffix ?? (spec.spreadOver === undefined ? "" : `spread over ${spec.spreadOver} objects`);
	const suffix = named ? `, ${named}` : "";
	return `${kinds[spec.kind].name}${spec.apiOnly ? ", API only" : ""}${suffix} (${ways[spec.transport]})`;
}

let serial = 0;

/** A label's words as part of a file name: letters, digits and dashes. */
export function fileSafe(text: string): string {
	return text
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "-")
		.replace(/^-|-$/g, "");
}

export interface StartOptions {
	/** Open the runtime's V8 inspector (for --profile). wrangler dev opens it anyway. */
	inspector?: boolean;
}

/** How often a server is started on fresh ports when a port it was given was taken meanwhile. */
const portAttempts = 3;

export async function startServer(
	spec: ServerSpec,
	workspace: Workspace,
	options: StartOptions = {},
): Promise<Server> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await startOnce(spec, workspace, options);
		} catch (error) {
			// A port is found free and handed to the server, which binds it a moment later; another
			// process may take it in between. That is no fault of the run: pick new ports.
			if (!(error instanceof PortTaken) || attempt >= portAttempts) throw error;
		}
	}
}

async function startOnce(spec: ServerSpec, workspace: Workspace, options: StartOptions): Promise<Server> {
	const port = await freePort();
	const name = `${++serial}-${spec.kind}-${spec.transport}${spec.suffix ? `-${fileSafe(spec.suffix)}` : ""}`;
	const logPath = join(workspace.dir, `${name}.log`);
	const persist = mkdtempSync(join(workspace.dir, `${name}-state-`));
	const vars = { ...benchVars, ...kinds[spec.kind].vars, ...spec.vars };
	let args: string[];
	let inspectorPort: number | undefined;
	if (spec.kind === "node-ws") {
		args = ["bench/baselines/ws-server.ts", String(port)];
	} else {
		// The bundle built at the start of the run. wrangler dev serves it with --no-bundle: it
		// would otherwise watch the sources and restart the runtime when they change, cutting every
		// socket of a run in progress. The bench measures the code as it was when the run began.
		const bundle = await bundleWorker(workerConfig(spec.kind), workspace);
		const dev = spec.transport === "wrangler-dev";
		if (dev || options.inspector) inspectorPort = await freePort();
		const worker = { spec, bundle, port, persist, vars, config: configFor(spec, workspace), inspectorPort };
		args = dev ? devArgs(worker) : directArgs(worker);
	}
	const child = new Child(process.execPath, args, {
		cwd: workspace.repoRoot,
		logPath,
		...(spec.transport === "wrangler-dev" && {
			env: { X_LOCAL_OBSERVABILITY: String(localTracing.wranglerDev) },
		}),
	});
	const origin = `http://127.0.0.1:${port}`;
	try {
		await waitForHttp(child, `${origin}${kinds[spec.kind].readyPath}`, 90_000);
	} catch (error) {
		await child.stop();
		throw error;
	}
	return {
		...spec,
		label: label(spec),
		origin,
		child,
		...(inspectorPort !== undefined && { inspectorPort }),
	};
}

interface WorkerLaunch {
	spec: ServerSpec;
	bundle: string;
	port: number;
	persist: string;
	vars: Record<string, string>;
	/** The wrangler config it runs with (configFor). */
	config: string;
	inspectorPort: number | undefined;
}

function devArgs(worker: WorkerLaunch): string[] {
	const { bundle, port, persist, vars, config, inspectorPort } = worker;
	return [
		"node_modules/wrangler/bin/wrangler.js",
		"dev",
		bundle,
		"--no-bundle",
		"--config",
		config,
		"--ip",
		"127.0.0.1",
		"--port",
		String(port),
		...(inspectorPort !== undefined ? ["--inspector-port", String(inspectorPort)] : []),
		"--persist-to",
		persist,
		// Per-request log lines cost the dev server CPU that the room needs.
		"--log-level",
		"warn",
		"--var",
		...Object.entries(vars).map(([key, value]) => `${key}:${value}`),
	];
}

function directArgs(worker: WorkerLaunch): string[] {
	const { spec, bundle, port, persist, vars, config, inspectorPort } = worker;
	return [
		"bench/servers/direct-host.ts",
		config,
		bundle,
		String(port),
		persist,
		JSON.stringify(vars),
		...(spec.apiOnly ? ["--api-only"] : []),
		...(inspectorPort !== undefined ? [`--inspector-port=${inspectorPort}`] : []),
	];
}

export async function stopServer(server: Server): Promise<void> {
	await server.child.stop();
}

/** The wrangler config a server runs with: its kind's, or for edgechat the run's own (edgechatConfig). */
function configFor(spec: ServerSpec, workspace: Workspace): string {
	return spec.kind === "edgechat"
		? edgechatConfig(workspace, workerConfig("edgechat"), spec.apiOnly === true)
		: workerConfig(spec.kind);
}

/** The server could not bind a port it was given: another process took it after it was found free. */
class PortTaken extends Error {}

/** How Node, Miniflare and workerd say that a port is taken. */
const portTakenPattern = /EADDRINUSE|ERR_ADDRESS_IN_USE|Address already in use/;

async function waitForHttp(child: Child, url: string, ms: number): Promise<void> {
	const end = performance.now() + ms;
	while (performance.now() < end) {
		if (child.hasExited) {
			const message = `server ${child.describeExit()} before it was ready:\n${child.tail()}`;
			throw portTakenPattern.test(child.tail(50)) ? new PortTaken(message) : new Error(message);
		}
		try {
			const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
			await response.arrayBuffer();
			if (response.ok) return;
		} catch {
			// Not listening yet.
		}
		await sleep(100);
	}
	throw new Error(`server not ready at ${url} within ${ms / 1000} s:\n${child.tail()}`);
}
