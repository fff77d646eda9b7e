import { z } from "zod";
import { type ErrorCode, errorCodes } from "./error-codes";

export { type ErrorCode, errorCodes } from "./error-codes";

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

/** The one shape of every error, over HTTP and WebSocket alike. */
export function errorBodyOf(code: ErrorCode, message: string): ErrorBody {
	return { error: { code, message } };
}
