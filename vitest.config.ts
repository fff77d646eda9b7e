import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export const testBindings = {
	TOKEN_SECRET: "test-secret-0123456789abcdef0123456789abcdef",
	// Short windows keep the suite fast; the behaviour under test is the same.
	PRESENCE_WINDOW_MS: "40",
	DIRECTORY_REPORT_MS: "50",
	MESSAGE_RETENTION: "300",
	CORS_ORIGINS: "https://allowed.example",
	// Metrics as `metric` log lines only (worker/observability/metrics.ts says why not the local dataset).
	METRICS_LOG: "only",
};

export default defineConfig({
	plugins: [
		cloudflareTest({
			wrangler: { configPath: "./wrangler.toml" },
			miniflare: {
				bindings: testBindings,
			},
		}),
	],
	test: {
		include: ["test/worker/**/*.test.ts"],
		// The JSON report feeds the pass/fail summary line printed by .ci/run.
		reporters: ["default", "json"],
		outputFile: { json: "dist/test-results/worker.json" },
		// The structured log (one JSON line per request and room event) is read by test/worker/logs.test.ts;
		// printed for every test it would bury the output that matters.
		onConsoleLog: (log) => !log.startsWith('{"event":'),
		testTimeout: 20_000,
		hookTimeout: 20_000,
	},
});
