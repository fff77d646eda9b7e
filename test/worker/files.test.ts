import { describe, expect, it } from "vitest";
import type { FileInfo } from "../../worker/protocol";
import { bearer, createChat, expectError, joinToken } from "./helpers";
import { gif, jpeg, png, type TestImage, webpExtended, webpLossless, webpLossy } from "./images";
import { download, upload, uploaded } from "./uploads";

const apiKey = { "X-API-Key": "test-api-key-one" };

describe("uploading an image", () => {
	it("takes each of PNG, JPEG, GIF and WebP, with its size and width and height read from its header", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat);
		const images: TestImage[] = [
			png(3, 2),
			png(300, 200),
			jpeg(),
			gif(5, 3),
			webpLossy(),
			webpLossless(),
			webpExtended(),
		];
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

	it("serves the bytes back with their type and the headers that keep them inert", async () => {
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
		const etag = response.headers.get("ETag");
		expect(etag).toBeTruthy();
		const again = await download(chat.id, file.id, { "If-None-Match": etag ?? "" });
		expect(again.status).toBe(304);
	});
});
