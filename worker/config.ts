/** Tunables read from the environment (wrangler.toml `[vars]`, `.dev.vars`, or secrets). */
export interface Settings {
	tokenTtlMs: number;
	/** A chain of token refreshes ends this long after its first token was issued. */
	sessionMaxAgeMs: number;
	messageRetention: number;
	rateLimitMessages: number;
	rateLimitWindowMs: number;
	presenceWindowMs: number;
	directoryReportMs: number;
	corsOrigins: string[];
	/** The most sockets one object of a chat holds before new ones go to another object. */
	roomShardCapacity: number;
	/** Shards the root sends each batch to itself; past that many, some of them relay to the rest. */
	fanoutDirectMax: number;
	/** 0: each turn's events go to the shards at its end; more: batches at least this far apart. */
	fanoutBatchMs: number;
	/** Sites allowed to frame `/embed/*` pages; `["*"]` (the default) allows any. */
	embedOrigins: string[];
	/**
	 * A webhook task out with the queue this long without its event being delivered or
	 * dead-lettered is taken for lost and handed again. Longer than a task's whole retry schedule.
	 */
	webhookLeaseMs: number;
	/** Abuse limits per network address (CF-Connecting-IP), a minute each. */
	addressChatsPerMinute: number;
	addressTokensPerMinute: number;
	/** Files uploaded per network address and minute. */
	addressUploadsPerMinute: number;
	/**
	 * Whether a join's region is read from its X-Edgechat-Region header instead of `request.cf`:
	 * for local development only, where `request.cf` is a placeholder (TRUST_REGION_HEADER "true").
	 */
	trustRegionHeader: boolean;
}

type SettingsEnv = Partial<Record<keyof typeof settingDefaults | "TRUST_REGION_HEADER", string>>;

/** Each tunable's default, used when its var is unset or not a valid value. */
export const settingDefaults = {
	TOKEN_TTL_SECONDS: 3600,
	SESSION_MAX_AGE_SECONDS: 30 * 24 * 3600,
	MESSAGE_RETENTION: 100_000,
	RATE_LIMIT_MESSAGES: 20,
	RATE_LIMIT_WINDOW_MS: 10_000,
	PRESENCE_WINDOW_MS: 250,
	DIRECTORY_REPORT_MS: 2000,
	CORS_ORIGINS: 0,
	ROOM_SHARD_CAPACITY: 2000,
	ROOM_FANOUT_DIRECT_MAX: 32,
	ROOM_FANOUT_BATCH_MS: 0,
	EMBED_ORIGINS: 0,
	WEBHOOK_LEASE_MS: 15 * 60_000,
	ADDRESS_CHATS_PER_MINUTE: 10,
	ADDRESS_TOKENS_PER_MINUTE: 60,
	ADDRESS_UPLOADS_PER_MINUTE: 30,
} as const;

type ListName = "CORS_ORIGINS" | "EMBED_ORIGINS";

function positiveNumber(env: SettingsEnv, name: Exclude<keyof typeof settingDefaults, ListName>): number {
	const raw = env[name];
	const value = raw === undefined || raw === "" ? Number.NaN : Number(raw);
	// A typo in a tunable should not take the service down: fall back to the documented default.
	return Number.isFinite(value) && value > 0 ? value : settingDefaults[name];
}

/** Settings by the env they were read from: an isolate's env does not change, and every request reads them. */
const readFrom = new WeakMap<SettingsEnv, Settings>();

export function readSettings(env: SettingsEnv): Settings {
	let settings = readFrom.get(env);
	if (!settings) {
		settings = Object.freeze(parseSettings(env));
		readFrom.set(env, settings);
	}
	return settings;
}

function parseSettings(env: SettingsEnv): Settings {
	return {
		tokenTtlMs: positiveNumber(env, "TOKEN_TTL_SECONDS") * 1000,
		sessionMaxAgeMs: positiveNumber(env, "SESSION_MAX_AGE_SECONDS") * 1000,
		messageRetention: Math.floor(positiveNumber(env, "MESSAGE_RETENTION")),
		rateLimitMessages: positiveNumber(env, "RATE_LIMIT_MESSAGES"),
		rateLimitWindowMs: positiveNumber(env, "RATE_LIMIT_WINDOW_MS"),
		presenceWindowMs: positiveNumber(env, "PRESENCE_WINDOW_MS"),
		directoryReportMs: positiveNumber(env, "DIRECTORY_REPORT_MS"),
		roomShardCapacity: Math.max(1, Math.floor(positiveNumber(env, "ROOM_SHARD_CAPACITY"))),
		fanoutDirectMax: Math.max(1, Math.floor(positiveNumber(env, "ROOM_FANOUT_DIRECT_MAX"))),
		fanoutBatchMs: nonNegativeNumber(env, "ROOM_FANOUT_BATCH_MS"),
		corsOrigins: list(env, "CORS_ORIGINS"),
		embedOrigins: list(env, "EMBED_ORIGINS", ["*"]),
		webhookLeaseMs: positiveNumber(env, "WEBHOOK_LEASE_MS"),
		addressChatsPerMinute: positiveNumber(env, "ADDRESS_CHATS_PER_MINUTE"),
		addressTokensPerMinute: positiveNumber(env, "ADDRESS_TOKENS_PER_MINUTE"),
		addressUploadsPerMinute: positiveNumber(env, "ADDRESS_UPLOADS_PER_MINUTE"),
		trustRegionHeader: env.TRUST_REGION_HEADER === "true",
	};
}

function nonNegativeNumber(env: SettingsEnv, name: Exclude<keyof typeof settingDefaults, ListName>): number {
	const raw = env[name];
	const value = raw === undefined || raw === "" ? Number.NaN : Number(raw);
	return Number.isFinite(value) && value >= 0 ? value : settingDefaults[name];
}

/** A comma-separated list; unset or empty means `fallback`. */
function list(env: SettingsEnv, name: ListName, fallback: string[] = []): string[] {
	const items = (env[name] ?? "")
		.split(",")
		.map((item) => item.trim())
		.filter((item) => item.length > 0);
	return items.length > 0 ? items : fallback;
}
