import type { Context, Next } from "hono";
import { readSettings } from "../config";
import type { AppEnv } from "./access";
import { pageSecurityHeaders } from "./security-headers";

/** `/api` and everything below it is the API, answered in JSON, never with the web page. */
export function isApiPath(path: string): boolean {
	return path === "/api" || path.startsWith("/api/");
}

/**
 * Pages reach the Worker first (wrangler.toml `run_worker_first`) so that they carry security
 * headers whose frame-ancestors come from `EMBED_ORIGINS`, which a static `_headers` file cannot
 * read. The file itself still comes from the assets binding, single-page fallback included.
 */
export async function servePage(c: Context<AppEnv>, next: Next): Promise<Response | undefined> {
	// Without an [assets] section (the benchmark's "API only" runs) there are no pages to serve.
	if (isApiPath(c.req.path) || !c.env.ASSETS) {
		await next();
		return undefined;
	}
	const asset = await c.env.ASSETS.fetch(c.req.raw);
	const response = new Response(asset.body, asset);
	const { embedOrigins } = readSettings(c.env);
	for (const [name, value] of pageSecurityHeaders(new URL(c.req.url), embedOrigins)) {
		response.headers.set(name, value);
	}
	return response;
}
