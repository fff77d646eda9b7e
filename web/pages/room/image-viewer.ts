import type { FileInfo } from "../../../worker/protocol/index.ts";
import { h } from "../dom.ts";
import { type ImageSource, showImage, sizedImage } from "./image-source.ts";

/**
 * The large view of an image: a modal `<dialog>` (the page behind it inert) with the image as
 * large as the window allows at its own shape, never larger than it is. Escape, Close or a click
 * beside the image closes it, and the focus goes back to what opened it.
 */
export function viewImage(file: FileInfo, alt: string, source: ImageSource): void {
	const opener = document.activeElement;
	const img = sizedImage(file, innerWidth * 0.9, innerHeight * 0.8, alt);
	const close = h("button", { type: "button", class: "secondary" }, "Close");
	const dialog = h("dialog", { class: "image-viewer", "aria-label": alt }, img, close);
	close.addEventListener("click", () => dialog.close());
	dialog.addEventListener("click", (event) => {
		if (event.target === dialog) dialog.close();
	});
	dialog.addEventListener("close", () => {
		dialog.remove();
		if (opener instanceof HTMLElement) opener.focus();
	});
	document.body.append(dialog);
	dialog.showModal();
	showImage(img, file.id, source);
}
