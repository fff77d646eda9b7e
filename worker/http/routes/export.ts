import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { exportStream } from "../../export/export-stream";
import { contentTypes, exportFormats, exportWriter } from "../../export/formats";
import { chatNotFound } from "../../refusals";
import { type AppEnv, readAccess, roomStub } from "../access";
import { apiKeySecurity, bearerSecurity, chatIdParam, chatKeyHeaders, errorResponse } from "../schemas";

const exportQuery = z.object({
	format: z.enum(exportFormats).default("ndjson"),
	key: z.string().max(200).optional(),
});

export const exportRoute = new OpenAPIHono<AppEnv>().openapi(
	createRoute({
		method: "get",
		path: "/chats/{id}/export",
		summary: "Download the whole history",
		description:
			"`format=ndjson` (one message per line, the default), `json` (`{chat, exportedAt, messages}`) or `txt`. " +
			"Streamed page by page. Who may: whoever may read the history (a private chat needs its key, a token or " +
			"an API key). Deleted messages are exported with `deleted: true` and no text.",
		security: [{}, ...bearerSecurity, ...apiKeySecurity],
		request: { params: chatIdParam, query: exportQuery, headers: chatKeyHeaders },
		responses: {
			200: { description: "The log, as an attachment" },
			400: errorResponse("Unknown format"),
			401: errorResponse("Invalid or expired token, or wrong API key"),
			404: errorResponse("No such chat, or private without credentials"),
		},
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		const { format, key } = c.req.valid("query");
		const { chat } = await readAccess(c, id, key);
		const room = roomStub(c.env, id);
		const writer = exportWriter(format, chat, Date.now());
		const body = exportStream(writer, async (after, limit) => {
			const page = await room.exportPage(after, limit);
			if (!page) throw chatNotFound();
			return page;
		});
		return new Response(body, {
			status: 200,
			headers: {
				"Content-Type": contentTypes[format],
				"Content-Disposition": `attachment; filename="edgechat-${id}.${format}"`,
				"Cache-Control": "no-store",
			},
		});
	},
);
