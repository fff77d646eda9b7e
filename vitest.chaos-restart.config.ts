import { defineConfig } from "vitest/config";

/**
 * The chaos suite's second half, in Node: it starts the bundled Worker in workerd on a state
 * directory, kills the runtime with SIGKILL while messages flow, and starts it again on the same
 * state. The first half (vitest.chaos.config.ts) evicts objects inside one runtime.
 */
export default defineConfig({
	test: {
		include: ["test/chaos/restart.test.ts"],
		environment: "node",
		reporters: ["default", "json"],
		outputFile: { json: "dist/test-results/chaos-restart.json" },
		testTimeout: 180_000,
	},
});
