import type { Locator, Page } from "playwright-core";
import { png } from "../worker/images.ts";

/** A real PNG (built by test/worker/images.ts), as a Buffer for the browser's file APIs. */
export function pngImage(width: number, height: number): Buffer {
	return Buffer.from(png(width, height).bytes);
}

/** The images of the settled messages on `page`, oldest first. */
export function messageImages(page: Page): Locator {
	return page.getByRole("log", { name: "Messages" }).locator("li[data-seq] .attachments img");
}

/** Resolves once the image has loaded (decoded, with its pixels known), with its natural size. */
export function loaded(image: Locator): Promise<{ width: number; height: number }> {
	// One evaluation, so the element waited for is the one measured.
	return image.evaluate(
		(img: HTMLImageElement) =>
			new Promise<{ width: number; height: number }>((done, fail) => {
				const settle = () =>
					img.naturalWidth > 0
						? done({ width: img.naturalWidth, height: img.naturalHeight })
						: fail(new Error(`image failed: ${img.alt}`));
				if (img.complete && img.src !== "") settle();
				else {
					img.addEventListener("load", settle, { once: true });
					img.addEventListener("error", settle, { once: true });
				}
			}),
	);
}
