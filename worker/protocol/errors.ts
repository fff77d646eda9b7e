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
	error: z.object({ code: z.enum(errorCodes), message: z.string() }),
});

/** The body of every HTTP error response. */
export type ErrorBody = z.infer<typeof errorBody>;

/** The one shape of every error, over HTTP and WebSocket alike. */
export function errorBodyOf(code: ErrorCode, message: string): ErrorBody {
	return { error: { code, message } };
}
