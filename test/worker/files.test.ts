import { describe, expect, it } from "vitest";
import { type FileInfo, limits } from "../../worker/protocol";
import { api, aWholeWindow, call, createChat, expectError, joinToken } from "./helpers";
import { ascii, gif, jpeg, png, type TestImage, webpExtended, webpLossless, webpLossy } from "./images";
import { download, upload, uploaded } from "./uploads";

const apiKey = { "X-API-Key": "test-api-key-one" };

/** A PNG's header followed by `size` bytes in all: what is recognised is only ever the header. */
function pngOfSize(size: number): TestImage {
	const bytes = new Uint8Array(size);
	bytes.set(png(8, 8).bytes.subarray(0, 33));
	return { bytes, type: "image/png", width: 8, height: 8 };
}

describe("uploading an image", () => {
	it("takes each of PNG, JPEG, GIF and WebP, with its size and width and height read from its header", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat);
		const images = [png(3, 2), png(300, 200), jpeg(), gif(5, 3), webpLossy(), webpLossless(), webpExtended()];
		for (const image of images) {
			const response = await upload(chat.id, token, image);
			expect(response.status, image.type).toBe(201);
			const { file } = await response.json<{ file: FileInfo }>();
			expect(file).toEqual({
				id: expect.stringMatching(/^f[A-Za-z0-9]{24}$/),
				type: image.type,
				size: image.bytes.byteLength,
				width: image.width,
				height: image.height,
			});
		}
	});

	it("refuses bytes that are not one of the four images, whatever they are declared as, with 415", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat);
		const html = new Uint8Array(ascii("<!doctype html><script>alert(document.cookie)</script>"));
		const message = await expectError(
			await upload(chat.id, token, { bytes: html, type: "image/png" }),
			415,
			"unsupported_media_type",
		);
		expect(message).toMatch(/not a PNG, JPEG, GIF or WebP image/);
		await expectError(
			await upload(chat.id, token, { bytes: new Uint8Array(0), type: "image/png" }),
			415,
			"unsupported_media_type",
		);
		// A header cut short names no size: no image either.
		const cut = { bytes: png(3, 2).bytes.subarray(0, 20), type: "image/png" as const };
		await expectError(await upload(chat.id, token, cut), 415, "unsupported_media_type");
	});

	it("refuses an image declared as another type (or none) with 415, saying what it is", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat);
		const image = png(3, 2);
		const message = await expectError(
			await upload(chat.id, token, { bytes: image.bytes, type: "image/jpeg" }),
			415,
			"unsupported_media_type",
		);
		expect(message).toBe("The body is image/png, not image/jpeg: send it with Content-Type: image/png");
		await expectError(
			await upload(chat.id, token, { bytes: jpeg().bytes, type: "application/octet-stream" }),
			415,
			"unsupported_media_type",
		);
		// Parameters and case do not matter.
		expect((await upload(chat.id, token, { bytes: image.bytes, type: "Image/PNG; q=1" })).status).toBe(201);
	});

	it("takes 5 MiB and refuses 5 MiB and a byte with 413 too_large", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat);
		expect((await upload(chat.id, token, pngOfSize(limits.fileBytesMax))).status).toBe(201);
		const message = await expectError(
			await upload(chat.id, token, pngOfSize(limits.fileBytesMax + 1)),
			413,
			"too_large",
		);
		expect(message).toBe("Files are limited to 5 MiB (5242880 bytes)");
	});

	it("needs a token of the chat, or an API key", async () => {
		const chat = await createChat();
		const other = await joinToken(await createChat(), "elsewhere");
		await expectError(await upload(chat.id, null, png(1, 1)), 401, "unauthorized");
		await expectError(await upload(chat.id, other.token, png(1, 1)), 401, "unauthorized");
		await expectError(await upload(chat.id, "not-a-token", png(1, 1)), 401, "unauthorized");
		expect((await upload(chat.id, null, png(1, 1), apiKey)).status).toBe(201);
		await expectError(await upload("NoSuchChat000000", null, png(1, 1), apiKey), 404, "not_found");
	});

	it("counts 10 uploads a minute per user in a chat, then answers 429 with Retry-After", async () => {
		const chat = await createChat();
		const ada = await joinToken(chat, "ada");
		const bob = await joinToken(chat, "bob");
		for (let n = 0; n < limits.uploadsPerMinute; n++) await uploaded(chat.id, ada.token, png(1, 1));
		const refused = await upload(chat.id, ada.token, png(1, 1));
		expect(await expectError(refused, 429, "rate_limited")).toMatch(/^Too many uploads \(10 a minute/);
		const retryAfter = Number(refused.headers.get("Retry-After"));
		expect(retryAfter).toBeGreaterThan(0);
		expect(retryAfter).toBeLessThanOrEqual(60);
		expect((await upload(chat.id, bob.token, png(1, 1))).status).toBe(201);
	});

	it("counts uploads per network address (30 a minute) with the Rate Limiting binding; loopback is free", async () => {
		const chat = await createChat();
		const tokens = await Promise.all(
			["u0", "u1", "u2", "u3"].map(async (name) => (await joinToken(chat, name)).token),
		);
		await aWholeWindow();
		const address = { "CF-Connecting-IP": "203.0.113.77" };
		for (let n = 0; n < 30; n++) {
			const response = await upload(chat.id, tokens[Math.floor(n / 10)] ?? "", png(1, 1), address);
			expect(response.status, `upload ${n + 1}`).toBe(201);
		}
		const refused = await upload(chat.id, tokens[3] ?? "", png(1, 1), address);
		expect(await expectError(refused, 429, "rate_limited")).toMatch(/files uploaded .* \(30 a minute\)/);
		expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
		const local = { "CF-Connecting-IP": "127.0.0.1" };
		expect((await upload(chat.id, tokens[3] ?? "", png(1, 1), local)).status).toBe(201);
	}, 40_000);

	it("is refused to a muted user and, in a read-only chat, to members", async () => {
		const chat = await createChat();
		const owner = await joinToken(chat, "owner", chat.ownerKey);
		const bob = await joinToken(chat, "bob");
		const muted = await call("POST", `/api/chats/${chat.id}/mutes`, owner.token, { userId: bob.user.id });
		expect(muted.status).toBe(201);
		await expectError(await upload(chat.id, bob.token, png(1, 1)), 403, "muted");
		const carol = await joinToken(chat, "carol");
		expect((await call("PATCH", `/api/chats/${chat.id}`, owner.token, { readOnly: true })).status).toBe(200);
		await expectError(await upload(chat.id, carol.token, png(1, 1)), 403, "forbidden");
		expect((await upload(chat.id, owner.token, png(1, 1))).status).toBe(201);
	});
});

describe("downloading a file", () => {
	it("serves the bytes with their type and the headers that keep them inert", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat);
		const image = png(4, 4);
		const file = await uploaded(chat.id, token, image);
		const response = await download(chat.id, file.id);
		expect(response.status).toBe(200);
		expect(new Uint8Array(await response.arrayBuffer())).toEqual(image.bytes);
		expect(response.headers.get("Content-Type")).toBe("image/png");
		expect(response.headers.get("Content-Length")).toBe(String(image.bytes.byteLength));
		expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
		expect(response.headers.get("Content-Security-Policy")).toBe("default-src 'none'; sandbox");
		expect(response.headers.get("Content-Disposition")).toBe("inline");
		expect(response.headers.get("Cache-Control")).toBe("public, max-age=3600");
		const etag = response.headers.get("ETag") ?? "";
		expect(etag).not.toBe("");
		const again = await download(chat.id, file.id, { "If-None-Match": etag });
		expect(again.status).toBe(304);
		expect(await again.text()).toBe("");
	});

	it("of a private chat: 404 without credentials, exactly as a chat that does not exist; 200 with a token, the key or an API key", async () => {
		const chat = await createChat({ visibility: "private" });
		const ada = await joinToken(chat, "ada");
		const file = await uploaded(chat.id, ada.token, gif(2, 2));
		const without = await download(chat.id, file.id);
		const absent = await download("NoSuchChat000000", file.id);
		expect(without.status).toBe(404);
		expect(await without.json()).toEqual(await absent.json());
		// The key never counts in the URL.
		expect((await api(`/api/chats/${chat.id}/files/${file.id}?key=${chat.inviteKey}`)).status).toBe(404);
		const credentials: Array<Record<string, string>> = [
			{ Authorization: `Bearer ${ada.token}` },
			{ "X-Chat-Key": chat.inviteKey ?? "" },
			{ "X-Chat-Key": chat.ownerKey },
			apiKey,
		];
		for (const headers of credentials) {
			const response = await download(chat.id, file.id, headers);
			expect(response.status).toBe(200);
			expect(response.headers.get("Content-Type")).toBe("image/gif");
			expect(response.headers.get("Cache-Control")).toBe("private, max-age=3600");
		}
		await expectError(await download(chat.id, file.id, { "X-Chat-Key": "wrong" }), 404, "not_found");
	});

	it("answers 404 for another chat's file, an unknown id and one that cannot be an id", async () => {
		const chat = await createChat();
		const other = await createChat();
		const { token } = await joinToken(other);
		const file = await uploaded(other.id, token, png(1, 1));
		expect((await download(other.id, file.id)).status).toBe(200);
		await expectError(await download(chat.id, file.id), 404, "not_found");
		await expectError(await download(chat.id, "f000000000000000000000000"), 404, "not_found");
		await expectError(await download(chat.id, "..%2F..%2Fsecret"), 404, "not_found");
	});
});

describe("the OpenAPI document", () => {
	it("describes the upload's image body, the download, and attachments on posts and messages", async () => {
		type Schema = { properties?: Record<string, Schema>; items?: Schema; $ref?: string };
		type Operation = {
			requestBody?: { content: Record<string, { schema: Schema }> };
			responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
		};
		type Doc = { paths: Record<string, Record<string, Operation>> };
		const doc = await (await api("/api/openapi.json")).json<Doc>();
		const uploadOperation = doc.paths["/chats/{id}/files"]?.post;
		expect(Object.keys(uploadOperation?.requestBody?.content ?? {}).sort()).toEqual([
			"image/gif",
			"image/jpeg",
			"image/png",
			"image/webp",
		]);
		expect(Object.keys(uploadOperation?.responses ?? {}).sort()).toEqual(
			["201", "401", "403", "404", "413", "415", "429"].sort(),
		);
		const downloadOperation = doc.paths["/chats/{id}/files/{fileId}"]?.get;
		expect(Object.keys(downloadOperation?.responses["200"]?.content ?? {})).toHaveLength(4);
		const post = doc.paths["/chats/{id}/messages"]?.post?.requestBody?.content["application/json"];
		expect(Object.keys(post?.schema.properties ?? {})).toContain("attachments");
		const file = uploadOperation?.responses["201"]?.content?.["application/json"]?.schema?.properties?.file;
		expect(Object.keys(file?.properties ?? {}).sort()).toEqual(["height", "id", "size", "type", "width"]);
	});
});
