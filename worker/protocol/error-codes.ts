/** Machine-readable error codes, used both in HTTP error bodies and in WebSocket `error` frames. */
export const errorCodes = [
	"bad_request",
	"unauthorized",
	"forbidden",
	"not_found",
	"too_large",
	"rate_limited",
	"upgrade_required",
	"server_misconfigured",
	"internal_error",
	/** Moderation (issue 12): the socket is closed by a moderator (4001), or the user is banned (4003). */
	"kicked",
	"muted",
	"banned",
	/** Slow mode: members may send one message per `slowModeSeconds`; carries `retryAfterMs`. */
	"slow_mode",
	/** The chat was deleted: sockets get this and close with 4004. */
	"chat_deleted",
	/** An upload whose bytes are not a PNG, JPEG, GIF or WebP image, or not the type it was declared as. */
	"unsupported_media_type",
] as const;

export type ErrorCode = (typeof errorCodes)[number];
