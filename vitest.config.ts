import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export const testBindings = {
	TOKEN_SECRET: "test-secret-0123456789abcdef0123456789abcdef",
	API_KEYS: "test-api-key-one,test-api-key-two",
	// Short windows keep the suite fast; the behaviour under test is the same.
	PRESENCE_WINDOW_MS: "40",
	DIRECTORY_REPORT_MS: "50",
	MESSAGE_RETENTION: "300",
	CORS_ORIGINS: "https://allowed.example",
	WEBHOOKS_ALLOW_LOCAL: "true",
	WEBHOOK_TIMEOUT_MS: "2000",
	// Metrics as `metric` log lines only (worker/observability/metrics.ts says why not the local dataset).
	METRICS_LOG: "only",
};

/**
 * The webhook queues as wrangler.toml has them, with fewer attempts, so that a test sees a task
 * reach the dead-letter queue within seconds (1 s, then 2 s of backoff) rather than minutes.
 */
export const testQueueConsumers = {
	"edgechat-webhooks": {
		maxBatchSize: 50,
		maxBatchTimeout: 1,
		maxRetries: 2,
		deadLetterQueue: "edgechat-webhooks-dead",
	},
	"edgechat-webhooks-dead": { maxBatchSize: 50, maxBatchTimeout: 1 },
};

export default defineConfig({
	plugins: [
		cloudflareTest({
			wrangler: { configPath: "./wrangler.toml" },
			miniflare: {
				bindings: testBindings,
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
		include: ["test/worker/**/*.test.ts"],
		// The JSON report feeds the pass/fail line that ends `npm test` (test/run-all.ts).
		reporters: ["default", "json"],
		outputFile: { json: "dist/test-results/worker.json" },
		// The structured log (a JSON line per refused request and room event) is read by test/worker/logs.test.ts;
		// printed for every test it would bury the output that matters.
		onConsoleLog: (log) => !log.startsWith('{"event":'),
		testTimeout: 20_000,
		hookTimeout: 20_000,
	},
});
