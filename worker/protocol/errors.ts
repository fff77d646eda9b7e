import { z } from "zod";

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

export const errorBody = z.object({
	error: z.object({
		code: z.enum(errorCodes),
		message: z.string(),
		/**
		 * On retryable errors (`rate_limited`): how long to wait before trying again, in ms. The
		 * `Retry-After` header says the same in whole seconds, rounded up.
		 */
		retryAfterMs: z.number().int().nonnegative().optional(),
	}),
});

/** The body of every HTTP error response. */
export type ErrorBody = z.infer<typeof errorBody>;
