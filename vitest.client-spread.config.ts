import { defineConfig } from "vitest/config";
import { againstTheApp } from "./vitest.e2e.config";

/**
 * The ChatClient suite against `wrangler dev` with one socket per object (the global setup reads
 * EDGECHAT_ROOM_SHARD_CAPACITY), so every chat it opens spreads over a root and its shards.
 */
export default defineConfig({
	test: {
		...againstTheApp,
		include: ["test/client/**/*.test.ts"],
		outputFile: { json: "dist/test-results/client-spread.json" },
	},
});
