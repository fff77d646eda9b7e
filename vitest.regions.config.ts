import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { testBindings, testQueueConsumers } from "./vitest.config";

/**
 * Chats whose listeners come from several regions (requests carry `cf` as the platform would
 * give it). Three sockets an object, so a region's shards visibly fill one after the other; two
 * direct calls from the root, so that past two shards a batch goes through relays, and with three
 * regions one of them is reached through another region's relay.
 */
export default defineConfig({
	plugins: [
		cloudflareTest({
			wrangler: { configPath: "./wrangler.toml" },
			miniflare: {
				bindings: { ...testBindings, ROOM_SHARD_CAPACITY: "3", ROOM_FANOUT_DIRECT_MAX: "2" },
				queueConsumers: testQueueConsumers,
			},
		}),
	],
	test: {
		fileParallelism: false,
		isolate: false,
		include: ["test/regions/**/*.test.ts"],
		reporters: ["default", "json"],
		outputFile: { json: "dist/test-results/worker-regions.json" },
		onConsoleLog: (log) => !log.startsWith('{"event":'),
		testTimeout: 30_000,
		hookTimeout: 20_000,
	},
});
