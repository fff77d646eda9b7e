import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import { apiKeyHeader } from "../auth/api-keys";
import { readSettings } from "../config";
import { ApiError, type ErrorCode, isRefusalStatus, limits, type RefusalStatus, refusal } from "../protocol";
import { readableIssue } from "../protocol/readable-issues";
import { refusals } from "../refusals";
import type { AppEnv } from "./access";
import { chatKeyHeader } from "./chat-key";
import { refusalResponse, responseOfError } from "./error-response";
import { health } from "./health";
import { servePage } from "./pages";
import { requestLog } from "./request-log";
import { chatAdmin } from "./routes/chat-admin";
import { chats } from "./routes/chats";
import { exportRoute } from "./routes/export";
import { files, uploadPath } from "./routes/files";
import { messageChanges } from "./routes/message-changes";
import { messages } from "./routes/messages";
import { moderation } from "./routes/moderation";
import { presence } from "./routes/presence";
import { search } from "./routes/search";
import { socket, socketPathDoc } from "./routes/socket";
import { tokens } from "./routes/tokens";
import { webhook } from "./routes/webhook";

const maxBodyBytes = 64 * 1024;

function describe(error: ZodError): string {
	return readableIssue(error.issues[0]);
}

const api = new OpenAPIHono<AppEnv>({
	defaultHook: (result) => {
		if (!result.success) throw new ApiError(400, "bad_request", describe(result.error));
	},
});

api.use(
	"*",
	cors({
		origin: (origin, c) => {
			const allowed = readSettings(c.env).corsOrigins;
			// The web client's own origin always works; others must be listed (or "*").
			if (origin === new URL(c.req.url).origin || allowed.includes(origin)) return origin;
			return allowed.includes("*") ? origin : null;
		},
		allowHeaders: ["Content-Type", "Authorization", chatKeyHeader, apiKeyHeader],
		allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
		exposeHeaders: ["Retry-After"],
		maxAge: 600,
	}),
);
const jsonBodyLimit = bodyLimit({
	maxSize: maxBodyBytes,
	onError: () => {
		throw new ApiError(413, "too_large", `Request bodies are limited to ${maxBodyBytes} bytes`);
	},
});
// An upload's body is the file itself: larger than any JSON body, and refused past its own limit.
const uploadBodyLimit = bodyLimit({
	maxSize: limits.fileBytesMax,
	onError: () => {
		throw ApiError.of(refusals.fileTooLarge());
	},
});
api.use("*", (c, next) =>
	c.req.method === "POST" && uploadPath.test(c.req.path) ? uploadBodyLimit(c, next) : jsonBodyLimit(c, next),
);

api.get("/health", (c) => c.json(health(c.env)));
api.route("/", chats);
api.route("/", chatAdmin);
api.route("/", tokens);
api.route("/", messages);
api.route("/", messageChanges);
api.route("/", search);
api.route("/", moderation);
// The upgrade route is mounted ahead of the API's middleware (app below); its document is here.
api.openAPIRegistry.registerPath(socketPathDoc);
api.route("/", presence);
api.route("/", webhook);
api.route("/", exportRoute);
api.route("/", files);

api.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
	type: "apiKey",
	in: "header",
	name: apiKeyHeader,
	description: "A server API key (secret API_KEYS): acts as the owner of every chat",
});
api.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
	type: "http",
	scheme: "bearer",
	bearerFormat: "JWT",
});
api.doc31("/openapi.json", {
	openapi: "3.1.0",
	info: {
		title: "edgechat API",
		version: "1",
		description:
			"Chats, join tokens, history, its search and its export, images attached to messages, presence and webhooks; a server API key (X-API-Key) acts as " +
			"the owner of every chat. WebSocket frames are described in docs/API.md. Unknown fields in " +
			"JSON bodies are ignored (dropped before anything is done with them). Errors are " +
			"`{error:{code, message, retryAfterMs?}}`; keys may be sent as the X-Chat-Key header wherever ?key= is accepted.",
	},
	servers: [{ url: "/api" }],
});

/** The statuses Hono's own exceptions carry here (body limits, validation); anything else is a 400 or 500. */
function refusalStatus(status: number): RefusalStatus {
	if (isRefusalStatus(status)) return status;
	return status < 500 ? 400 : 500;
}

export const app = new OpenAPIHono<AppEnv>();
app.use("/api/*", requestLog);
// WebSocket upgrades skip CORS and the body limit, which apply to no upgrade: every join passes here.
app.route("/api", socket);
app.route("/api", api);
app.get("*", servePage);

app.notFound((c) => refusalResponse(refusal(404, "not_found", `No route for ${c.req.method} ${c.req.path}`)));

app.onError((error) => {
	if (error instanceof HTTPException) {
		const status = error.status;
		const code: ErrorCode = status === 413 ? "too_large" : status < 500 ? "bad_request" : "internal_error";
		// The validator's 415 says only "Unsupported Media Type"; say what to send instead.
		const message =
			status === 415
				? "Send the body as JSON, with the header Content-Type: application/json"
				: error.message;
		return refusalResponse({ status: refusalStatus(status), code, message: message || "Bad request" });
	}
	// ApiError says what it refuses; anything else is ours and tells the client nothing of our internals.
	return responseOfError(error);
});
