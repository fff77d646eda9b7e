import { deflateSync } from "node:zlib";
import type { Locator, Page } from "playwright-core";

const crcTable = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
	let c = 0xffffffff;
	for (const byte of bytes) c = (crcTable[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
	const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
	const framed = Buffer.alloc(body.length + 8);
	framed.writeUInt32BE(data.length, 0);
	body.copy(framed, 4);
	framed.writeUInt32BE(crc32(body), body.length + 4);
	return framed;
}

/** A real PNG of one colour (RGB, 8 bits), made in Node: what a person's camera roll would give. */
export function pngImage(
	width: number,
	height: number,
	rgb: [number, number, number] = [40, 120, 200],
): Buffer {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, 2, 0, 0, 0], 8);
	const row = Buffer.alloc(1 + width * 3);
	for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
	const pixels = Buffer.concat(Array.from({ length: height }, () => row));
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk("IHDR", header),
		chunk("IDAT", deflateSync(pixels)),
		chunk("IEND", new Uint8Array()),
	]);
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
