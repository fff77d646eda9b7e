/**
 * Runs a bundled Worker in workerd through Miniflare's API, with no dev proxy in front: clients
 * connect straight to the runtime's socket. `wrangler dev` puts a second workerd (the proxy) in
 * the path, which holds about four descriptors per WebSocket and so caps a room near 5,000
 * sockets under a 20,000 open-file limit; the runtime alone holds about two.
 *
 * Usage: node direct-host.ts <wrangler.toml> <bundle/index.js> <port> <persist dir> [vars as JSON]
 *        [--api-only] [--inspector-port=N]
 * Bindings, Durable Object classes (SQLite), static assets and vars come from the wrangler config
 * and .dev.vars, exactly as `wrangler dev` reads them; the JSON vars override them. `--api-only`
 * leaves the static assets out, and with them the router that sits in front of the Worker.
 * `--inspector-port` opens the runtime's V8 inspector there, for a CPU profile.
 */
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { convertV4MiniflareOptions, Miniflare, type V4WorkerOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const {
	values: { "api-only": apiOnly, "inspector-port": inspectorPort },
	positionals: [configPath, scriptPath, port, persistDir, varsJson = "{}"],
} = parseArgs({
	allowPositionals: true,
	options: { "api-only": { type: "boolean", default: false }, "inspector-port": { type: "string" } },
});
if (!configPath || !scriptPath || !port || !persistDir) {
	console.error(
		"usage: direct-host.ts <wrangler.toml> <bundle/index.js> <port> <persist dir> [vars JSON] [--api-only] [--inspector-port=N]",
	);
	process.exit(2);
}

const vars: unknown = JSON.parse(varsJson);
const overrides: Record<string, string> = {};
if (typeof vars === "object" && vars !== null) {
	for (const [name, value] of Object.entries(vars)) overrides[name] = String(value);
}

// Module rules and the root path describe the sources, not the bundle: the bundle is one module.
const {
	workerOptions: { modulesRules: _rules, rootPath: _root, ...fromConfig },
} = unstable_getMiniflareWorkerOptions(resolve(configPath));
const script = resolve(scriptPath);

const worker: V4WorkerOptions = {
	...fromConfig,
	bindings: { ...textBindings(fromConfig.bindings), ...overrides },
	modules: true,
	scriptPath: script,
	modulesRoot: dirname(script),
};
if (apiOnly) delete worker.assets;

const miniflare = new Miniflare(
	convertV4MiniflareOptions({
		host: "127.0.0.1",
		port: Number(port),
		resourcePersistencePath: resolve(persistDir),
		// No request.cf lookup (this machine has no internet) and no per-request log line.
		cf: false,
		logRequests: false,
		...(inspectorPort !== undefined && { inspectorPort: Number(inspectorPort) }),
		workers: [worker],
	}),
);

/** The vars of wrangler.toml and .dev.vars: text values, as both files define them. */
function textBindings(bindings: unknown): Record<string, string> {
	const text: Record<string, string> = {};
	if (typeof bindings !== "object" || bindings === null) return text;
	for (const [name, value] of Object.entries(bindings)) if (typeof value === "string") text[name] = value;
	return text;
}

const url = await miniflare.ready;
console.log(`ready ${url.href}`);

let stopping = false;
async function stop(): Promise<void> {
	if (stopping) return;
	stopping = true;
	await miniflare.dispose();
	process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
