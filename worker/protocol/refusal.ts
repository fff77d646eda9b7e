import type { ErrorCode } from "./error-codes";
import type { ErrorBody } from "./errors";
import { type ErrorFrame, errorFrameOf } from "./server-frames";

/** The statuses a refusal carries; a socket's error frame has none, an HTTP error answers with it. */
export const refusalStatuses = [400, 401, 403, 404, 409, 413, 415, 426, 429, 500, 503] as const;
export type RefusalStatus = (typeof refusalStatuses)[number];

export function isRefusalStatus(status: number): status is RefusalStatus {
	const known: readonly number[] = refusalStatuses;
	return known.includes(status);
}

/**
 * Why something was not done, in the one shape both transports are built from: an HTTP error
 * (`{"error":{code, message, retryAfterMs?}}` with `status`) and a socket's `error` frame.
 */
export interface Refusal {
	status: RefusalStatus;
	code: ErrorCode;
	message: string;
	/** Retryable refusals (rate limits, slow mode): how long to wait, in ms. */
	retryAfterMs?: number;
}

/** A refusal as the answer of a call that could also have succeeded. */
export type Refused = { kind: "refused" } & Refusal;

export function refusal(
	status: RefusalStatus,
	code: ErrorCode,
	message: string,
	retryAfterMs?: number,
): Refusal {
	return retryAfterMs === undefined ? { status, code, message } : { status, code, message, retryAfterMs };
}

export function refused(
	status: RefusalStatus,
	code: ErrorCode,
	message: string,
	retryAfterMs?: number,
): Refused {
	return { kind: "refused", ...refusal(status, code, message, retryAfterMs) };
}

/** The socket's side: an `error` frame naming the client's id for what it sent, when there is one. */
export function errorFrameOfRefusal(refusal: Refusal, clientId?: string): ErrorFrame {
	const frame = errorFrameOf(refusal.code, refusal.message, clientId);
	return refusal.retryAfterMs === undefined
		? frame
		: { ...frame, retryAfterMs: Math.ceil(refusal.retryAfterMs) };
}

/** The HTTP side: the body of the error response. */
export function errorBodyOfRefusal(refusal: Refusal): ErrorBody {
	const { code, message, retryAfterMs } = refusal;
	return {
		error: { code, message, ...(retryAfterMs !== undefined && { retryAfterMs: Math.ceil(retryAfterMs) }) },
	};
}

/**
 * A refusal thrown where a handler cannot go on: the Worker's one error handler answers it with
 * its status and body, a socket handler with an `error` frame.
 */
export class ApiError extends Error {
	readonly status: RefusalStatus;
	readonly code: ErrorCode;
	readonly retryAfterMs?: number;

	constructor(status: RefusalStatus, code: ErrorCode, message: string, retryAfterMs?: number) {
		super(message);
		this.name = "ApiError";
		this.status = status;
		this.code = code;
		if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
	}

	static of(refusal: Refusal): ApiError {
		return new ApiError(refusal.status, refusal.code, refusal.message, refusal.retryAfterMs);
	}

	get refusal(): Refusal {
		return refusal(this.status, this.code, this.message, this.retryAfterMs);
	}
}
