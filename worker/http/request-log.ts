import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { logEvent } from "../observability/log";
import { Metrics } from "../observability/metrics";
import type { AppEnv } from "./access";

/** A chat id in an API path; ids are public names of chats, unlike keys and tokens. */
const chatPath = /^\/api\/chats\/([A-Za-z0-9_-]{1,64})(?:\/|$)/;

/**
 * One `request` line per refused or failed API request (4xx, 5xx), written after the response is
 * known: the route pattern (never the URL, whose query may still hold a legacy `?token=` or
 * `?key=`), the status, the time taken, and the error code from the body of the contract, which is
 * also counted as a `refusal` metric. A success writes nothing: Workers Logs' invocation log of the
 * request already has its method, URL (its query redacted, wrangler.toml), status and time.
 */
export const requestLog: MiddlewareHandler<AppEnv> = async (c, next) => {
	const started = Date.now();
	await next();
	// The deepest handler that ran answered: its pattern, not the catch-all page route after it.
	const route = c.res.status < 400 ? "" : routePath(c) || "(no route)";
	await logRefusedRequest(c.env, c.req.raw, c.res, { route, started });
};

/** The `request` line and `refusal` metric of an API request that was refused or failed; nothing for a success. */
export async function logRefusedRequest(
	env: Env,
	request: Request,
	response: Response,
	{ route, started }: { route: string; started: number },
): Promise<void> {
	const status = response.status;
	if (status < 400) return;
	const chatId = chatPath.exec(pathOf(request.url))?.[1];
	const code = await errorCodeOf(response);
	logEvent(
		"request",
		{
			method: request.method,
			route,
			status,
			durationMs: Date.now() - started,
			...(chatId !== undefined && { chatId }),
			...(code !== undefined && { code }),
		},
		status >= 500 ? "error" : "warn",
	);
	if (code !== undefined) new Metrics(env).record({ metric: "refusal", chatId, detail: code });
}

/** A URL's path, without its query (which may hold a legacy secret) and without parsing the URL. */
export function pathOf(url: string): string {
	const start = url.indexOf("/", url.indexOf("//") + 2);
	if (start < 0) return "/";
	const end = url.search(/[?#]/);
	return url.slice(start, end < 0 ? undefined : end);
}

/** The `error.code` of an error body, read from a copy so the client still gets the body. */
async function errorCodeOf(response: Response): Promise<string | undefined> {
	if (!response.headers.get("Content-Type")?.includes("application/json")) return undefined;
	try {
		const body: unknown = await response.clone().json();
		if (typeof body !== "object" || body === null || !("error" in body)) return undefined;
		const error: unknown = body.error;
		if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
		return typeof error.code === "string" ? error.code : undefined;
	} catch {
		return undefined;
	}
}
