/**
 * Structured logs: one JSON object per line, which Workers Logs (wrangler.toml `[observability]`)
 * indexes field by field, and `wrangler dev` prints as it is. Lines are for what an operator needs
 * to read (errors, refusals, gaps, wake-ups, shards attaching): a routine success (a 2xx request,
 * a socket admitted) writes none. Workers Logs' own invocation log records every request, and the
 * metrics count every join; a line of ours per success cost a join a tenth of its CPU.
 *
 * What may be logged is narrowed by type: identifiers, route patterns, codes, counts and
 * durations. Tokens, keys, message text, names and full URLs never reach a log line, because no
 * field here can hold free text from a client: callers pass route patterns, not paths, and error
 * codes, not messages.
 */
export type LogEvent =
	| "request"
	| "socket.refused"
	| "shard.attached"
	| "room.woke"
	| "replay.gap"
	| "fanout.gap"
	| "retention.trimmed"
	| "metric";

export interface LogFields {
	chatId?: string;
	/** The Hono route pattern (`/api/chats/:id/messages`), never the path with its values. */
	route?: string;
	method?: string;
	status?: number;
	durationMs?: number;
	/** An ErrorCode of the protocol, or a refusal's reason code. */
	code?: string;
	/** Which object of the chat: 0 is the root, n >= 1 a shard. */
	shard?: number;
	/** Sockets the object (root or shard) holds after the event. */
	sockets?: number;
	seq?: number;
	/** A replay's or a gap's size in messages. */
	missed?: number;
	replayed?: number;
	wakes?: number;
	/** Only for `metric` lines: the metric's name, detail and values (see metrics.ts). */
	metric?: string;
	detail?: string;
	value?: number;
	size?: number;
}

export type LogLevel = "info" | "warn" | "error";

export function logEvent(event: LogEvent, fields: LogFields, level: LogLevel = "info"): void {
	// One console method for every level, with the level a field of the line: `wrangler dev` prints
	// console.warn and console.error lines wrapped (`▲ [WARNING] {…}`, with colour codes), which
	// no JSON tool can read, and Workers Logs indexes `level` like any other field.
	console.log(JSON.stringify({ event, level, ...fields }));
}
