import type { FileInfo } from "../protocol";

/**
 * A chat's files in R2 (the `FILES` bucket), under `chats/<chat id>/<file id>`: one prefix per
 * chat, so that a chat's files are listed and deleted together. Only their bytes and type live
 * here; who uploaded them and which message carries them is the chat's own (uploads.ts).
 */
export function fileKey(chatId: string, fileId: string): string {
	return `${chatPrefix(chatId)}${fileId}`;
}

function chatPrefix(chatId: string): string {
	return `chats/${chatId}/`;
}

/** R2 deletes at most this many keys a call. */
const deleteBatch = 1000;

export async function storeFile(
	bucket: R2Bucket,
	chatId: string,
	file: FileInfo,
	bytes: Uint8Array,
): Promise<void> {
	await bucket.put(fileKey(chatId, file.id), bytes, {
		// The type its bytes were recognised as, never the one it was declared as.
		httpMetadata: { contentType: file.type },
		customMetadata: { width: String(file.width), height: String(file.height) },
	});
}

/**
 * A chat's file, or null when this chat has none of that id (another chat's file is under another
 * prefix). With `conditions` (the request's If-None-Match and the like), an R2Object without a
 * body when they say the client's copy is current.
 */
export function readFile(
	bucket: R2Bucket,
	chatId: string,
	fileId: string,
	conditions?: Headers,
): Promise<R2ObjectBody | R2Object | null> {
	return bucket.get(fileKey(chatId, fileId), conditions ? { onlyIf: conditions } : {});
}

export async function deleteFiles(bucket: R2Bucket, chatId: string, fileIds: string[]): Promise<void> {
	for (let at = 0; at < fileIds.length; at += deleteBatch) {
		await bucket.delete(fileIds.slice(at, at + deleteBatch).map((id) => fileKey(chatId, id)));
	}
}

/** Every file of a chat, found by its prefix: the chat is being deleted. */
export async function deleteChatFiles(bucket: R2Bucket, chatId: string): Promise<void> {
	const prefix = chatPrefix(chatId);
	let cursor: string | undefined;
	do {
		const page = await bucket.list({ prefix, limit: deleteBatch, ...(cursor !== undefined && { cursor }) });
		if (page.objects.length > 0) await bucket.delete(page.objects.map((object) => object.key));
		cursor = page.truncated ? page.cursor : undefined;
	} while (cursor !== undefined);
}
