/**
 * Builds the installable package (`npm pack` runs this as `prepack`): one ESM file with the
 * protocol's schemas (zod/mini) bundled in, so the package has no runtime dependency, and the
 * declarations of the client and of the protocol types it uses, under dist/.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { build } from "esbuild";

const here = import.meta.dirname;
const dist = join(here, "dist");
rmSync(dist, { recursive: true, force: true });

await build({
	entryPoints: [join(here, "index.ts")],
	outfile: join(dist, "index.js"),
	bundle: true,
	format: "esm",
	platform: "neutral",
	target: "es2022",
	legalComments: "inline",
});

// Declarations keep the source layout (web/client and worker/protocol) under dist/types.
const require = createRequire(import.meta.url);
const tsc = join(dirname(require.resolve("typescript/package.json")), "bin", "tsc");
execFileSync(process.execPath, [tsc, "-p", join(here, "tsconfig.build.json")], { stdio: "inherit" });

// The sources import with `.ts` extensions; declarations must name the `.js` beside them.
for (const file of walk(join(dist, "types"))) {
	if (!file.endsWith(".d.ts")) continue;
	const text = readFileSync(file, "utf8");
	writeFileSync(file, text.replace(/(from\s+["']\.{1,2}\/[^"']+)\.ts(["'])/g, "$1.js$2"));
}
writeFileSync(join(dist, "index.d.ts"), 'export * from "./types/web/client/index.js";\n');

function* walk(dir) {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) yield* walk(path);
		else yield path;
	}
}
