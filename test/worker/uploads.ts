import { expect } from "vitest";
import type { FileInfo } from "../../worker/protocol";
import { api, bearer } from "./helpers";
import type { TestImage } from "./images";

/** `POST /api/chats/:id/files` with the image's bytes as the body, declared as `type` (its own by default). */
export function upload(
	chatId: string,
	token: string | null,
	image: { bytes: Uint8Array<ArrayBuffer>; type: string },
	headers: Record<string, string> = {},
): Promise<Response> {
	return api(`/api/chats/${chatId}/files`, {
		method: "POST",
		headers: { "Content-Type": image.type, ...(token !== null && bearer(token)), ...headers },
		body: image.bytes,
	});
}

/** An upload that must succeed: the file as messages carry it. */
export async function uploaded(chatId: string, token: string, image: TestImage): Promise<FileInfo> {
	const response = await upload(chatId, token, image);
	expect(response.status).toBe(201);
	return (await response.json<{ file: FileInfo }>()).file;
}

/** `GET /api/chats/:id/files/:fileId`, with whatever credentials the headers carry. */
export function download(
	chatId: string,
	fileId: string,
	headers: Record<string, string> = {},
): Promise<Response> {
	return api(`/api/chats/${chatId}/files/${fileId}`, { headers });
}
