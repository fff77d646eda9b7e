import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorCode } from "../protocol";

/** An error meant for the API client: it carries its HTTP status and machine-readable code. */
export class ApiError extends Error {
	constructor(
		readonly status: ContentfulStatusCode,
		readonly code: ErrorCode,
		message: string,
		/** Retryable errors: how long the client should wait (body `retryAfterMs`, `Retry-After`). */
		readonly retryAfterMs?: number,
	) {
		super(message);
		this.name = "ApiError";
	}
}

export const chatNotFound = () =>
	new ApiError(404, "not_found", "No such chat (or it is private and the key or token is missing)");
