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
] as const;

export type ErrorCode = (typeof errorCodes)[number];
