import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { testBindings, testQueueConsumers } from "./vitest.config";

/**
 * The chaos suite's first half, inside workerd: a chat spread over its root and several shards
 * (two sockets an object), whose sockets are killed and objects evicted while messages flow.
 * The second half (vitest.chaos-restart.config.ts) kills the whole runtime.
 */
export default defineConfig({
	plugins: [
		cloudflareTest({
			wrangler: { configPath: "./wrangler.toml" },
			miniflare: {
				// Batches at most every 150 ms, as a busy chat may run: shards are behind their root more often.
				bindings: {
					...testBindings,
					ROOM_SHARD_CAPACITY: "2",
					ROOM_FANOUT_DIRECT_MAX: "2",
					ROOM_FANOUT_BATCH_MS: "150",
				},
				queueConsumers: testQueueConsumers,
			},
		}),
	],
	test: {
		include: ["test/chaos/objects.test.ts", "test/chaos/order.test.ts"],
		reporters: ["default", "json"],
		outputFile: { json: "dist/test-results/chaos-objects.json" },
		onConsoleLog: (log) => !log.startsWith('{"event":'),
		testTimeout: 90_000,
	},
});
