import { defineConfig } from "vitest/config";

/**
 * End-to-end tests: the real app under `wrangler dev`, driven by Debian's Chromium and by the
 * ChatClient library from Node. Files run one after another: they share one server and one
 * machine with two cores, and browser timing is what they measure.
 */
export default defineConfig({
	test: {
		include: ["test/e2e/**/*.test.ts", "test/client/**/*.test.ts"],
		environment: "node",
		globalSetup: ["test/e2e/global-setup.ts"],
		fileParallelism: false,
		// The JSON report feeds the pass/fail line that ends `npm test` (test/run-all.ts).
		reporters: ["default", "json"],
		outputFile: { json: "dist/test-results/e2e.json" },
		testTimeout: 60_000,
		hookTimeout: 120_000,
		teardownTimeout: 30_000,
	},
});
