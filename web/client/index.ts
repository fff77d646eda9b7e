/**
 * The edgechat client library: the typed HTTP API and a resilient chat connection. It uses only
 * what browsers and Node 22+ both provide (`fetch`, `WebSocket`, `crypto`, timers); on Node 20,
 * pass a `WebSocket` (the `ws` package's) in ChatClient's options.
 */
export { type BackoffOptions, backoffDelay, defaultBackoff } from "./backoff.ts";
export { ChatClient } from "./chat-client.ts";
export type {
	ChatClientEvents,
	ChatClientOptions,
	ClientError,
	ClientSocket,
	ConnectionState,
	NewSession,
	PresenceChange,
	ReceivedMessage,
	RejectedSend,
	StateChange,
	WebSocketClass,
} from "./client-types.ts";
export {
	ApiError,
	ChatApi,
	type ChatApiOptions,
	type HistoryCursor,
	type MessageExtras,
} from "./http-api.ts";
export type { PendingSend } from "./outbox.ts";
