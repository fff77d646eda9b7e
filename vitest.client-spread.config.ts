import { defineConfig } from "vitest/config";

/**
 * The ChatClient suite against `wrangler dev` with one socket per object (the global setup reads
 * EDGECHAT_ROOM_SHARD_CAPACITY), so every chat it opens spreads over a root and its shards.
 */
export default defineConfig({
	test: {
		include: ["test/client/**/*.test.ts"],
		environment: "node",
		globalSetup: ["test/e2e/global-setup.ts"],
		fileParallelism: false,
		reporters: ["default", "json"],
		outputFile: { json: "dist/test-results/client-spread.json" },
		testTimeout: 60_000,
		hookTimeout: 120_000,
		teardownTimeout: 30_000,
	},
});
