import { defineConfig, type ViteUserConfig } from "vitest/config";

/** How every suite against a running `wrangler dev` (test/e2e/global-setup.ts) runs. */
export const againstTheApp = {
	environment: "node",
	globalSetup: ["test/e2e/global-setup.ts"],
	// Files run one after another: they share one server and a machine with two cores.
	fileParallelism: false,
	// The JSON report feeds the pass/fail line that ends `npm test` (test/run-all.ts).
	reporters: ["default", "json"],
	testTimeout: 60_000,
	hookTimeout: 120_000,
	teardownTimeout: 30_000,
} satisfies NonNullable<ViteUserConfig["test"]>;

/**
 * End-to-end tests: the real app under `wrangler dev`, driven by Debian's Chromium and by the
 * ChatClient library from Node; browser timing is what they measure.
 */
export default defineConfig({
	test: {
		...againstTheApp,
		include: ["test/e2e/**/*.test.ts", "test/client/**/*.test.ts"],
		outputFile: { json: "dist/test-results/e2e.json" },
	},
});
