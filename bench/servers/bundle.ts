import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Workspace } from "./workspace.ts";

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
