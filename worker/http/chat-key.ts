import type { Context } from "hono";
import { ApiError } from "../protocol";

/** Header that carries a chat's invite or owner key, so the key need not sit in a URL. */
export const chatKeyHeader = "X-Chat-Key";

const keyMaxLength = 200;

/**
 * The key a request presents: the old `?key=` query (or body field), else the `X-Chat-Key`
 * header. Query strings are logged by proxies and kept in browser history; headers are not.
 */
export function presentedKey(c: Context, fromQueryOrBody: string | undefined): string | undefined {
	if (fromQueryOrBody !== undefined) return fromQueryOrBody;
	const header = c.req.header(chatKeyHeader);
	if (header === undefined || header === "") return undefined;
	if (header.length > keyMaxLength) {
		throw new ApiError(400, "bad_request", `${chatKeyHeader} must be at most ${keyMaxLength} characters`);
	}
	return header;
}
