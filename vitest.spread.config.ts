import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { testBindings, testQueueConsumers } from "./vitest.config";

/**
 * The same Worker suite against chats spread as thin as they go: one socket per object, so every
 * test's chat is a root and a shard per further socket, and past three shards some of them relay
 * the root's batches to the others. The v1 contract must hold across all of them.
 */
export default defineConfig({
	plugins: [
		cloudflareTest({
			wrangler: { configPath: "./wrangler.toml" },
			miniflare: {
				bindings: { ...testBindings, ROOM_SHARD_CAPACITY: "1", ROOM_FANOUT_DIRECT_MAX: "3" },
				queueConsumers: testQueueConsumers,
			},
		}),
	],
	test: {
		// One runtime for every file, one file at a time. A runtime per file cost a start and a
		// dispose each (about half the run), and now and then a run stalled for good between two
		// files with no error (once in CI; 3 in 7 local runs when two files' runtimes overlapped).
		// Every test makes chats of its own, so files need no fresh storage to stay apart.
		fileParallelism: false,
		isolate: false,
		include: ["test/worker/**/*.test.ts", "test/spread/**/*.test.ts"],
		reporters: ["default", "json"],
		outputFile: { json: "dist/test-results/worker-spread.json" },
		// The structured log (a JSON line per refused request and room event) is read by test/worker/logs.test.ts;
		// printed for every test it would bury the output that matters.
		onConsoleLog: (log) => !log.startsWith('{"event":'),
		testTimeout: 20_000,
		hookTimeout: 20_000,
	},
});
