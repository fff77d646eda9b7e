import { describe, expect, it } from "vitest";
import { sniffImage } from "../../worker/files/image-sniff";
import { ascii, gif, jpeg, png, webpExtended, webpLossless, webpLossy } from "./images";

const bytes = (...parts: Array<number[] | string>) =>
	new Uint8Array(parts.flatMap((part) => (typeof part === "string" ? ascii(part) : part)));

/** A JPEG's start, the segments given, then a frame header of `marker` for width x height. */
function jpegWith(segments: number[][], marker: number, width: number, height: number): Uint8Array {
	const frame = [
		0xff,
		marker,
		0x00,
		0x0b,
		8,
		height >> 8,
		height & 0xff,
		width >> 8,
		width & 0xff,
		1,
		1,
		0x11,
		0,
	];
	return bytes([0xff, 0xd8], ...segments, frame);
}

describe("recognising an image from its bytes", () => {
	it("reads each type's size from its header, whatever the image holds after it", () => {
		for (const image of [png(3, 2), gif(5, 3), jpeg(), webpLossy(), webpLossless(), webpExtended()]) {
			const { type, width, height } = image;
			expect(sniffImage(image.bytes), type).toEqual({ type, width, height });
			expect(sniffImage(bytes([...image.bytes], [1, 2, 3]))).toEqual({ type, width, height });
		}
		expect(sniffImage(bytes("GIF87a", [0x40, 0x01, 0xf0, 0x00, 0, 0, 0]))).toEqual({
			type: "image/gif",
			width: 320,
			height: 240,
		});
		expect(sniffImage(png(70_000, 1).bytes)).toMatchObject({ width: 70_000, height: 1 });
	});

	it("walks a JPEG's segments to its frame header: past APPn, tables, fill bytes, for any SOFn", () => {
		const app1 = [0xff, 0xe1, 0x00, 0x06, 0xff, 0xc0, 0xff, 0xd9]; // its data looks like markers
		const huffman = [0xff, 0xc4, 0x00, 0x03, 0]; // DHT (0xC4) is no frame header
		const fill = [0xff, 0xff, 0xff];
		const progressive = jpegWith([app1, huffman, fill], 0xc2, 640, 480);
		expect(sniffImage(progressive)).toEqual({ type: "image/jpeg", width: 640, height: 480 });
		expect(sniffImage(jpegWith([], 0xcf, 1, 65_535))).toEqual({
			type: "image/jpeg",
			width: 1,
			height: 65_535,
		});
		// The scan before any frame header, the end, or a segment that runs out: no size, no image.
		expect(sniffImage(bytes([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02]))).toBeNull();
		expect(sniffImage(bytes([0xff, 0xd8, 0xff, 0xd9]))).toBeNull();
		expect(sniffImage(bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x40, 1, 2]))).toBeNull();
		expect(sniffImage(bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01]))).toBeNull();
		expect(sniffImage(jpegWith([], 0xc0, 5, 3).subarray(0, 10))).toBeNull();
	});

	it("is null for anything else: other formats, text, headers cut short, images of no pixels", () => {
		const refused = [
			new Uint8Array(0),
			bytes("<!doctype html><html>"),
			bytes("%PDF-1.7"),
			bytes("RIFF", [0, 0, 0, 0], "WAVEfmt "),
			bytes("RIFF", [0, 0, 0, 0], "WEBPVP8 ", [0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 6, 0, 4, 0]), // no start code
			bytes("RIFF", [0, 0, 0, 0], "WEBPVP8L", [0, 0, 0, 0], [0x2e, 0, 0, 0, 0]), // no signature byte
			bytes("RIFF", [0, 0, 0, 0], "WEBPALPH"),
			bytes("GIF89a", [0, 0, 0, 0]),
			bytes("GIF89a", [1]),
			bytes([0x89], "PNG\r\n\x1a\n", [0, 0, 0, 13], "IDAT", [0, 0, 0, 1, 0, 0, 0, 1]),
			png(3, 2).bytes.subarray(0, 23),
			png(0, 5).bytes,
			webpLossy().bytes.subarray(0, 29),
			webpExtended().bytes.subarray(0, 29),
		];
		for (const data of refused) expect(sniffImage(data), Array.from(data.slice(0, 12)).join(",")).toBeNull();
	});
});
