import type { FileInfo } from "../../../worker/protocol/index.ts";
import { h } from "../dom.ts";
import { type ImageSource, showImage, sizedImage } from "./image-source.ts";
import { viewImage } from "./image-viewer.ts";

/** A thumbnail's largest side in CSS pixels (narrow screens narrow it further, keeping its shape). */
const thumbnailSide = 240;

/**
 * A message's images as thumbnails after its text, each a button that opens it large (a click,
 * Enter or Space). Images never change once sent (a deletion takes them away with the message's
 * other extras), so a message that shows them already is left as it is.
 */
export function showAttachments(
	item: HTMLElement,
	files: readonly FileInfo[] | undefined,
	author: string,
	source: ImageSource,
): void {
	if (!files?.length || item.querySelector(".attachments")) return;
	const thumbnails = files.map((file, index) => {
		const alt =
			files.length > 1 ? `Image ${index + 1} of ${files.length} from ${author}` : `Image from ${author}`;
		const img = sizedImage(file, thumbnailSide, thumbnailSide, alt);
		img.loading = "lazy";
		showImage(img, file.id, source);
		const button = h("button", { type: "button", class: "attachment" }, img);
		button.addEventListener("click", () => viewImage(file, alt, source));
		return button;
	});
	item.querySelector(".text")?.after(h("div", { class: "attachments" }, ...thumbnails));
}
