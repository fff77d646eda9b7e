import type { ErrorCode } from "../../worker/protocol/index.ts";

/** An HTTP call that failed: `status` 0 and code "network" when no answer came at all. */
export class ApiError extends Error {
	readonly status: number;
	readonly code: ErrorCode | "network";
	/** How long the server asked us to wait before retrying (`rate_limited`), when it said. */
	readonly retryAfterMs: number | undefined;

	constructor(status: number, code: ErrorCode | "network", message: string, retryAfterMs?: number) {
		super(message);
		this.name = "ApiError";
		this.status = status;
		this.code = code;
		this.retryAfterMs = retryAfterMs;
	}

	/** Worth retrying later: the network or the server failed, not the request. */
	get retryable(): boolean {
		return this.status === 0 || this.status === 429 || this.status >= 500;
	}
}

/** The error an HTTP answer that is not a success stands for, from its body when it is the contract's. */
export async function errorFrom(response: Response): Promise<ApiError> {
	const fallback = statusCodes[response.status] ?? "internal_error";
	try {
		const body: unknown = await response.json();
		if (typeof body === "object" && body !== null && "error" in body) {
			const { error } = body;
			if (typeof error === "object" && error !== null && "code" in error && "message" in error) {
				const code = typeof error.code === "string" && isErrorCode(error.code) ? error.code : fallback;
				const message = typeof error.message === "string" ? error.message : response.statusText;
				const wait =
					"retryAfterMs" in error && typeof error.retryAfterMs === "number"
						? error.retryAfterMs
						: retryAfterHeader(response);
				return new ApiError(response.status, code, message, wait);
			}
		}
	} catch {
		// Not JSON (a proxy's error page, say): the status alone has to do.
	}
	return new ApiError(
		response.status,
		fallback,
		response.statusText || `HTTP ${response.status}`,
		retryAfterHeader(response),
	);
}

/** `Retry-After` in seconds (the date form is not used by edgechat), as milliseconds. */
function retryAfterHeader(response: Response): number | undefined {
	const seconds = Number(response.headers.get("Retry-After") ?? Number.NaN);
	return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

const statusCodes: Partial<Record<number, ErrorCode>> = {
	400: "bad_request",
	401: "unauthorized",
	403: "forbidden",
	404: "not_found",
	413: "too_large",
	415: "unsupported_media_type",
	426: "upgrade_required",
	429: "rate_limited",
};

/** Every code of the contract; typed as a record so the compiler notices a code added there. */
const errorCodeSet: Record<ErrorCode, true> = {
	bad_request: true,
	unauthorized: true,
	forbidden: true,
	not_found: true,
	too_large: true,
	rate_limited: true,
	upgrade_required: true,
	server_misconfigured: true,
	internal_error: true,
	kicked: true,
	muted: true,
	banned: true,
	slow_mode: true,
	chat_deleted: true,
	unsupported_media_type: true,
};

function isErrorCode(code: string): code is ErrorCode {
	return Object.hasOwn(errorCodeSet, code);
}
