import type { ChatWithConnections, FileInfo } from "../../../worker/protocol/index.ts";
import type { ChatClient } from "../../client/index.ts";
import { h } from "../dom.ts";

/**
 * Where an image's bytes come from: a public chat's address, for a plain `<img src>`, or (a
 * private chat, whose files need the token in a header) the bytes fetched into memory.
 */
export type ImageSource = (fileId: string) => string | Promise<Blob>;

/**
 * The chat's images: a public chat's are plain addresses; a private chat's need the token (or
 * the key) in a header, never a secret in a URL, so they are fetched and shown from memory. The
 * chat's visibility is asked each time, since the owner may change it.
 */
export function chatImages(
	client: ChatClient,
	chat: ChatWithConnections,
	key: string | undefined,
): ImageSource {
	return (fileId) =>
		(client.chat ?? chat).visibility === "private"
			? client.api.fileBytes(chat.id, fileId, client.token ? { token: client.token.token } : { key })
			: `/api/chats/${chat.id}/files/${fileId}`;
}

/**
 * An image's box at the image's own shape, at most `maxWidth` by `maxHeight`: the attributes
 * give the box its size before a byte has arrived, so nothing moves when it loads.
 */
export function sizedImage(
	file: FileInfo,
	maxWidth: number,
	maxHeight: number,
	alt: string,
): HTMLImageElement {
	const scale = Math.min(1, maxWidth / file.width, maxHeight / file.height);
	const side = (pixels: number) => Math.max(1, Math.round(pixels * scale));
	return h("img", { alt, width: side(file.width), height: side(file.height) });
}

/**
 * Shows the file in `img`. Bytes fetched into memory get an object URL that is revoked once the
 * image has loaded or failed: the element keeps its decoded picture, and nothing stays held for a
 * URL that is no longer needed.
 */
export function showImage(img: HTMLImageElement, fileId: string, source: ImageSource): void {
	const from = source(fileId);
	if (typeof from === "string") {
		img.src = from;
		return;
	}
	from.then(
		(blob) => showBlob(img, blob),
		() => {
			img.alt += " (could not be loaded)";
		},
	);
}

/** Shows bytes held in memory through an object URL, revoked once the image has loaded or failed. */
export function showBlob(img: HTMLImageElement, blob: Blob): void {
	const url = URL.createObjectURL(blob);
	img.onload = img.onerror = () => URL.revokeObjectURL(url);
	img.src = url;
}
