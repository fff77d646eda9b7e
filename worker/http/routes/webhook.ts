import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { hasApiKey } from "../../auth/api-keys";
import { ApiError, webhookBody, webhookCreated, webhookStatus } from "../../protocol";
import { chatNotFound } from "../../refusals";
import { checkWebhookUrl } from "../../webhooks/url-rules";
import { type AppEnv, bearerToken, requireToken, roomStub } from "../access";
import {
	apiKeySecurity,
	bearerSecurity,
	chatIdParam,
	errorResponse,
	jsonBody,
	jsonResponse,
} from "../schemas";

const security = [...bearerSecurity, ...apiKeySecurity];
const refusals = {
	401: errorResponse("Neither an API key nor a valid token of this chat"),
	403: errorResponse("The token is not the owner's"),
	404: errorResponse("No such chat (or no webhook, for GET and DELETE)"),
};

/** A chat's webhook is the owner's business: an owner token of the chat, or an API key. */
async function requireOwner(c: Context<AppEnv>, id: string): Promise<void> {
	if (await hasApiKey(c)) return;
	const { user } = await requireToken(c, id, bearerToken(c));
	if (user.role !== "owner")
		throw new ApiError(403, "forbidden", "Only the chat's owner may manage its webhook");
}

export const webhook = new OpenAPIHono<AppEnv>()
	.openapi(
		createRoute({
			method: "put",
			path: "/chats/{id}/webhook",
			summary: "Set the chat's webhook (owner token or API key)",
			description:
				"Replaces any previous webhook. The answer holds the signing secret, shown only this once. Deliveries " +
				"follow the Standard Webhooks specification. Only https: URLs to public hosts (plain http to " +
				"127.0.0.1/localhost too when WEBHOOKS_ALLOW_LOCAL is true).",
			security,
			request: { params: chatIdParam, body: jsonBody(webhookBody) },
			responses: {
				200: jsonResponse(webhookCreated, "The webhook, with its secret"),
				400: errorResponse("Invalid body or URL"),
				...refusals,
			},
		}),
		async (c) => {
			const { id } = c.req.valid("param");
			const body = c.req.valid("json");
			await requireOwner(c, id);
			const check = checkWebhookUrl(body.url, c.env.WEBHOOKS_ALLOW_LOCAL === "true");
			if (!check.ok) throw new ApiError(400, "bad_request", check.reason);
			const events = [...new Set(body.events)];
			const secret = await roomStub(c.env, id).setWebhook(check.url, events);
			if (secret === null) throw chatNotFound();
			return c.json({ url: check.url, events, secret }, 200);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/chats/{id}/webhook",
			summary: "The chat's webhook and its delivery counters (owner token or API key)",
			security,
			request: { params: chatIdParam },
			responses: { 200: jsonResponse(webhookStatus, "The webhook (without its secret)"), ...refusals },
		}),
		async (c) => {
			const { id } = c.req.valid("param");
			await requireOwner(c, id);
			const status = await roomStub(c.env, id).webhookStatus();
			if (!status) throw new ApiError(404, "not_found", "This chat has no webhook");
			return c.json(status, 200);
		},
	)
	.openapi(
		createRoute({
			method: "delete",
			path: "/chats/{id}/webhook",
			summary: "Remove the chat's webhook and drop what it has not delivered (owner token or API key)",
			security,
			request: { params: chatIdParam },
			responses: { 204: { description: "Removed" }, ...refusals },
		}),
		async (c) => {
			const { id } = c.req.valid("param");
			await requireOwner(c, id);
			if (!(await roomStub(c.env, id).deleteWebhook())) {
				throw new ApiError(404, "not_found", "This chat has no webhook");
			}
			return c.body(null, 204);
		},
	);
