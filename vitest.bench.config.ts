import { defineConfig } from "vitest/config";

/**
 * Tests of the benchmark itself, in Node: its ledger, its load generator against real sockets,
 * and `npm run bench -- --quick` end to end. Files run one after another: the smoke run starts
 * servers of its own and needs the machine's two cores.
 */
export default defineConfig({
	test: {
		include: ["test/bench/**/*.test.ts"],
		environment: "node",
		fileParallelism: false,
		// The JSON report feeds the pass/fail line that ends `npm test` (test/run-all.ts).
		reporters: ["default", "json"],
		outputFile: { json: "dist/test-results/bench.json" },
		testTimeout: 360_000,
		hookTimeout: 30_000,
	},
});
