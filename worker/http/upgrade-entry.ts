import { responseOfError } from "./error-response";
import { logRefusedRequest, pathOf } from "./request-log";
import { upgradeSocket } from "./routes/socket";

const upgradeRoute = "/api/chats/:id/ws";
const upgradePath = /^\/api\/chats\/([^/]+)\/ws$/;

/**
 * The chat a WebSocket upgrade to /api/chats/:id/ws is for; null for every other request. Joins
 * are the Worker's most frequent request by far, and a storm of them is what a big chat must
 * take, so they skip the router and its middleware (none of which applies to an upgrade: no CORS,
 * no body) and cost only their own checks.
 */
export function chatOfUpgrade(request: Request): string | null {
	if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return null;
	const segment = upgradePath.exec(pathOf(request.url))?.[1];
	if (segment === undefined) return null;
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/** The upgrade answered as the router would: its refusal as `{error}` JSON, logged and counted as any request's. */
export async function answerUpgrade(request: Request, env: Env, chatId: string): Promise<Response> {
	const started = Date.now();
	let response: Response;
	try {
		response = await upgradeSocket(request, env, chatId);
	} catch (error) {
		response = responseOfError(error);
	}
	if (response.status >= 400)
		await logRefusedRequest(env, request, response, { route: upgradeRoute, started });
	return response;
}
