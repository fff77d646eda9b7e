import { logEvent } from "./log";

/**
 * The counted events of the service, one Workers Analytics Engine data point each. Every point
 * has the same layout, so one SQL query shape serves every dashboard (docs/operations.md):
 *
 * - `index1`: the chat id (the sampling key: a busy chat is sampled apart from quiet ones)
 * - `blob1`: the metric's name (below), `blob2`: its detail (an error code, `root` or `shard`)
 * - `double1`: the count (1, or the sockets one delivery went to), `double2`: a size where the
 *   metric has one (the chat's connections for `room_size`, the gap for `replay_gap`)
 */
export type MetricName =
	| "message_stored"
	| "delivery"
	| "join"
	| "token"
	| "refusal"
	| "rate_limited"
	| "replay_gap"
	| "room_size"
	| "wake";

export interface MetricPoint {
	metric: MetricName;
	chatId: string | undefined;
	detail?: string;
	value?: number;
	size?: number;
}

export function dataPointOf(point: MetricPoint): AnalyticsEngineDataPoint {
	return {
		indexes: [point.chatId ?? ""],
		blobs: [point.metric, point.detail ?? ""],
		doubles: [point.value ?? 1, point.size ?? 0],
	};
}

interface MetricsEnv {
	METRICS?: AnalyticsEngineDataset;
	METRICS_LOG?: string;
}

/**
 * Where metrics go: the `METRICS` dataset; with METRICS_LOG=true also a `metric` log line,
 * because the local runtime accepts data points and drops them (nothing can be queried locally);
 * with METRICS_LOG=only the log line alone. The Worker test suites use `only`: writing to
 * Miniflare's local dataset from the chat's objects has stalled the vitest workers pool mid-run
 * (the spread suite hung with writes and passed without them, with everything else the same).
 */
export class Metrics {
	private readonly dataset: AnalyticsEngineDataset | undefined;
	private readonly mirror: boolean;

	constructor(env: MetricsEnv) {
		this.mirror = env.METRICS_LOG === "true" || env.METRICS_LOG === "only";
		this.dataset = env.METRICS_LOG === "only" ? undefined : env.METRICS;
	}

	record(point: MetricPoint): void {
		try {
			// writeDataPoint does not wait for the write; a failure to count must never fail a request.
			this.dataset?.writeDataPoint(dataPointOf(point));
		} catch (error) {
			console.error("writeDataPoint failed", error);
		}
		if (this.mirror) {
			logEvent("metric", {
				metric: point.metric,
				...(point.chatId !== undefined && { chatId: point.chatId }),
				...(point.detail !== undefined && { detail: point.detail }),
				value: point.value ?? 1,
				...(point.size !== undefined && { size: point.size }),
			});
		}
	}
}
