import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { openFileLimit } from "./proc.ts";

/** What the figures of a run depend on: the code, the runtime versions, the machine. */
export function machineFacts(repoRoot: string) {
	return {
		gitCommit: gitCommit(repoRoot),
		node: process.version,
		wrangler: packageVersion(repoRoot, "wrangler"),
		cpuModel: cpus()[0]?.model.trim() ?? "unknown",
		cores: cpus().length,
		memoryGiB: Math.round(totalmem() / 2 ** 30),
		openFileLimit: openFileLimit(process.pid),
	};
}

function gitCommit(repoRoot: string): string {
	try {
		const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
			cwd: repoRoot,
			encoding: "utf8",
		}).trim();
		const changed = execFileSync("git", ["status", "--porcelain", "--", "worker", "wrangler.toml"], {
			cwd: repoRoot,
			encoding: "utf8",
		}).trim();
		return changed ? `${commit} (worker/ modified)` : commit;
	} catch {
		return "unknown";
	}
}

function packageVersion(repoRoot: string, name: string): string {
	try {
		const manifest: unknown = JSON.parse(
			readFileSync(join(repoRoot, "node_modules", name, "package.json"), "utf8"),
		);
		const version =
			typeof manifest === "object" && manifest !== null ? Reflect.get(manifest, "version") : undefined;
		return typeof version === "string" ? version : "unknown";
	} catch {
		return "unknown";
	}
}
