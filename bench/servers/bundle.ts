import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Workspace } from "./servers.ts";

/**
 * wrangler.toml without its `[assets]` section, written into the run's workspace with the
 * `.dev.vars` beside it (wrangler reads it next to the config). The bundle stays the same.
 */
export function apiOnlyConfig(edgechatConfig: string, workspace: Workspace): string {
	const source = readFileSync(join(workspace.repoRoot, edgechatConfig), "utf8");
	const withoutAssets = source.replace(/^\[assets\]\n(?:[^[\n].*\n|\n)*/m, "");
	if (withoutAssets.includes("[assets]")) throw new Error(`${edgechatConfig}: could not remove [assets]`);
	const config = join(workspace.dir, "wrangler.api-only.toml");
	writeFileSync(config, withoutAssets);
	const devVars = join(workspace.repoRoot, ".dev.vars");
	if (existsSync(devVars)) copyFileSync(devVars, join(workspace.dir, ".dev.vars"));
	return config;
}

/** wrangler serves `dist/web` as static assets and refuses to start without the directory; the API needs no files in it. */
function ensureAssetsDirectory(repoRoot: string): void {
	const assets = join(repoRoot, "dist", "web");
	if (!existsSync(assets)) mkdirSync(assets, { recursive: true });
}

const bundles = new Map<string, Promise<string>>();
const run = promisify(execFile);

/** wrangler's own build (esbuild), as `wrangler deploy` would ship it; once per config and run. */
export function bundleWorker(config: string, workspace: Workspace): Promise<string> {
	let bundle = bundles.get(config);
	if (!bundle) {
		bundle = (async () => {
			ensureAssetsDirectory(workspace.repoRoot);
			const outdir = mkdtempSync(join(workspace.dir, "bundle-"));
			await run(
				process.execPath,
				[
					"node_modules/wrangler/bin/wrangler.js",
					"deploy",
					"--dry-run",
					"--config",
					config,
					"--outdir",
					outdir,
				],
				{
					cwd: workspace.repoRoot,
					env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
					timeout: 120_000,
				},
			);
			return join(outdir, "index.js");
		})();
		bundles.set(config, bundle);
	}
	return bundle;
}
