import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { hasApiKey } from "../../auth/api-keys";
import { readFile, storeFile } from "../../files/file-store";
import { sniffImage } from "../../files/image-sniff";
import { ApiError, fileId, imageTypes, limits, type SessionUser, uploadedFile } from "../../protocol";
import { refusals } from "../../refusals";
import { type AppEnv, backendActor, bearerToken, readAccess, requireToken, roomStub } from "../access";
import { limitAddress } from "../address-limit";
import {
	apiKeySecurity,
	bearerSecurity,
	chatIdParam,
	chatKeyHeaders,
	errorResponse,
	jsonResponse,
} from "../schemas";

/** The path of an upload; the body limit (app.ts) lets its body be larger than a JSON one. */
export const uploadPath = /^\/api\/chats\/[^/]+\/files\/?$/;

const fileParam = chatIdParam.extend({
	fileId: z.string().openapi({ param: { name: "fileId", in: "path" }, example: "f3kTMd9pQ2xLw7Rb1aZ0bC9dE" }),
});

const binary = z.string().openapi({ type: "string", format: "binary" });
const imageContent = Object.fromEntries(imageTypes.map((type) => [type, { schema: binary }]));

/** How long a browser or cache may keep a file: its bytes never change, but it may be deleted. */
const cacheSeconds = 3600;

export const files = new OpenAPIHono<AppEnv>()
	.openapi(
		createRoute({
			method: "post",
			path: "/chats/{id}/files",
			summary: "Upload an image, to attach to a message",
			description:
				"The image is the raw body, with its Content-Type: PNG, JPEG, GIF or WebP, at most 5 MiB. The type is " +
				"recognised from the bytes (their magic numbers), and width and height read from the image's header; " +
				"bytes that are not such an image, or not the type declared, are refused with 415. Send the file's id " +
				"in a message's `attachments` within an hour, or it is deleted. A token of the chat, or an X-API-Key " +
				"(whose uploads only its own posts may attach). Limits: uploads per user and chat " +
				`(${limits.uploadsPerMinute} a minute) and per network address (ADDRESS_UPLOADS_PER_MINUTE).`,
			security: [...bearerSecurity, ...apiKeySecurity],
			request: { params: chatIdParam, body: { content: imageContent, required: true } },
			responses: {
				201: jsonResponse(uploadedFile, "Stored: the file as messages will carry it"),
				401: errorResponse("Missing, invalid, expired or other-chat token"),
				403: errorResponse("The uploader is muted (`muted`) or banned (`banned`), or the chat is read-only"),
				404: errorResponse("No such chat"),
				413: errorResponse("Over 5 MiB (`too_large`)"),
				415: errorResponse(
					"Not a PNG, JPEG, GIF or WebP image, or not the Content-Type it was sent with (`unsupported_media_type`)",
				),
				429: errorResponse("Too many uploads from this user or network address; see Retry-After"),
			},
		}),
		async (c) => {
			const { id } = c.req.valid("param");
			const uploader = await uploaderOf(c, id);
			const bytes = new Uint8Array(await c.req.arrayBuffer());
			if (bytes.byteLength > limits.fileBytesMax) throw ApiError.of(refusals.fileTooLarge());
			const image = sniffImage(bytes);
			if (!image) throw ApiError.of(refusals.notAnImage());
			const declared = mediaType(c.req.header("Content-Type"));
			if (declared !== image.type) throw ApiError.of(refusals.notTheDeclaredType(declared, image.type));
			// The chat decides first (its limits, bans, read-only): nothing it refuses reaches R2.
			const answer = await roomStub(c.env, id).reserveUpload(uploader, { ...image, size: bytes.byteLength });
			if (answer.kind === "refused") throw ApiError.of(answer);
			await storeFile(c.env.FILES, id, answer.file, bytes);
			return c.json({ file: answer.file }, 201);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/chats/{id}/files/{fileId}",
			summary: "Download a file",
			description:
				"The bytes, to whoever may read the chat's history (a private chat: a bearer token of the chat, the key " +
				"in X-Chat-Key, or an API key; never a secret in the URL). Served with the type recognised at upload, " +
				"`X-Content-Type-Options: nosniff`, `Content-Security-Policy: default-src 'none'; sandbox` and " +
				"`Content-Disposition: inline`; cached an hour (privately for a private chat), with an ETag. A file " +
				"of another chat, one no message took within the hour, or one whose message was deleted: 404.",
			security: [{}, ...bearerSecurity, ...apiKeySecurity],
			request: { params: fileParam, headers: chatKeyHeaders },
			responses: {
				200: { description: "The image", content: imageContent },
				304: { description: "The copy the client holds (If-None-Match) is current" },
				401: errorResponse("Invalid or expired token"),
				404: errorResponse("No such file in this chat, no such chat, or private without credentials"),
			},
		}),
		async (c) => {
			const { id, fileId: requested } = c.req.valid("param");
			// The key only in the header: a file's URL may be shown, shared and logged.
			const { chat } = await readAccess(c, id, undefined);
			const found = fileId.safeParse(requested).success
				? await readFile(c.env.FILES, id, requested, c.req.raw.headers)
				: null;
			if (!found) throw ApiError.of(refusals.noFile(requested));
			const headers = new Headers({
				"Content-Type": found.httpMetadata?.contentType ?? "application/octet-stream",
				"X-Content-Type-Options": "nosniff",
				// Opened on its own, the file is a sandboxed document that may run and load nothing.
				"Content-Security-Policy": "default-src 'none'; sandbox",
				"Content-Disposition": "inline",
				"Cache-Control": `${chat.visibility === "private" ? "private" : "public"}, max-age=${cacheSeconds}`,
				ETag: found.httpEtag,
			});
			if (!hasBody(found)) return new Response(null, { status: 304, headers });
			headers.set("Content-Length", String(found.size));
			return new Response(found.body, { status: 200, headers });
		},
	);

/** Who uploads: a backend (API key) as itself, anyone else as the user of their token, held to the address limit. */
async function uploaderOf(c: Context<AppEnv>, id: string): Promise<SessionUser> {
	if (await hasApiKey(c)) return backendActor;
	const { user } = await requireToken(c, id, bearerToken(c));
	await limitAddress(c, "uploads");
	return user;
}

/** R2 answers a conditional read whose conditions failed (the client's copy is current) without a body. */
function hasBody(object: R2Object | R2ObjectBody): object is R2ObjectBody {
	return "body" in object;
}

/** `image/png; x=y` as `image/png`; "" when there is none. */
function mediaType(header: string | undefined): string {
	return (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}
