import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Workspace } from "./workspace.ts";

/** The server API key of every bench server (X-API-Key), as `wrangler secret put API_KEYS` sets one. */
export const benchApiKey = "bench-api-key";

/**
 * edgechat's wrangler config (`configPath`, in the repository) as the bench runs it, written into
 * the run's workspace (the bundle stays the same), with the bench's own `.dev.vars` beside it,
 * where wrangler dev and direct-host.ts read it: only the secrets a deployment has. The
 * repository's `.dev.vars` turns on development aids (METRICS_LOG: a log line per counted event;
 * webhooks to this machine) that a deployed edgechat runs without; the bench measures edgechat as
 * deployed. `apiOnly`: without its `[assets]` section.
 */
export function edgechatConfig(workspace: Workspace, configPath: string, apiOnly: boolean): string {
	const source = readFileSync(join(workspace.repoRoot, configPath), "utf8");
	const assets = /^\[assets\]\n(?:[^[\n].*\n|\n)*/m;
	const directory = /^directory = "\.\/dist\/web"$/m;
	if (!assets.test(source) || !directory.test(source))
		throw new Error(`${configPath}: no [assets] section with directory = "./dist/web"`);
	// The copy lives elsewhere: the assets directory is given whole.
	const config = apiOnly
		? source.replace(assets, "")
		: source.replace(directory, `directory = ${JSON.stringify(join(workspace.repoRoot, "dist", "web"))}`);
	const path = join(workspace.dir, apiOnly ? "wrangler.api-only.toml" : "wrangler.toml");
	writeFileSync(path, config);
	const secrets = join(workspace.dir, ".dev.vars");
	if (!existsSync(secrets))
		writeFileSync(secrets, `TOKEN_SECRET="${randomBytes(32).toString("hex")}"\nAPI_KEYS="${benchApiKey}"\n`);
	return path;
}
