import { z } from "zod";
import { type ErrorCode, errorCodes } from "./error-codes";

export { type ErrorCode, errorCodes } from "./error-codes";

export const errorBody = z.object({
	error: z.object({ code: z.enum(errorCodes), message: z.string() }),
});

/** The body of every HTTP error response. */
export type ErrorBody = z.infer<typeof errorBody>;

/** The one shape of every error, over HTTP and WebSocket alike. */
export function errorBodyOf(code: ErrorCode, message: string): ErrorBody {
	return { error: { code, message } };
}
