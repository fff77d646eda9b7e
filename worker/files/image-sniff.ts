import type { ImageType } from "../protocol";

/** What an upload's bytes turned out to be: one of the image types a chat takes, and its size in pixels. */
export interface SniffedImage {
	type: ImageType;
	width: number;
	height: number;
}

/**
 * Recognises a PNG, JPEG, GIF or WebP image from its own bytes (the magic numbers), never from
 * what the sender declared, and reads its width and height from its header. Anything else, or an
 * image whose header is cut short or names no size, is null. Nothing is decoded.
 */
export function sniffImage(bytes: Uint8Array): SniffedImage | null {
	const found = png(bytes) ?? gif(bytes) ?? jpeg(bytes) ?? webp(bytes);
	return found && found.width > 0 && found.height > 0 ? found : null;
}

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The signature, then the IHDR chunk, which must come first: width and height, 4 bytes each, big-endian. */
function png(bytes: Uint8Array): SniffedImage | null {
	if (!startsWith(bytes, pngSignature, 0) || !startsWith(bytes, ascii("IHDR"), 12) || bytes.length < 24) {
		return null;
	}
	return { type: "image/png", width: uint32be(bytes, 16), height: uint32be(bytes, 20) };
}

/** GIF87a or GIF89a, then the logical screen: width and height, 2 bytes each, little-endian. */
function gif(bytes: Uint8Array): SniffedImage | null {
	if (
		!(startsWith(bytes, ascii("GIF87a"), 0) || startsWith(bytes, ascii("GIF89a"), 0)) ||
		bytes.length < 10
	) {
		return null;
	}
	return { type: "image/gif", width: uint16le(bytes, 6), height: uint16le(bytes, 8) };
}

/**
 * SOI, then segments up to the first start-of-frame marker (SOF0-SOF15 but DHT, JPG and DAC, which
 * share the range), whose header holds height and width, 2 bytes each, big-endian. Standalone
 * markers have no length; reaching the scan (SOS) or the end before a frame header means no size.
 */
function jpeg(bytes: Uint8Array): SniffedImage | null {
	if (!startsWith(bytes, [0xff, 0xd8, 0xff], 0)) return null;
	let at = 2;
	while (at + 1 < bytes.length) {
		if (bytes[at] !== 0xff) return null;
		// Any number of 0xFF fill bytes may precede a marker.
		while (bytes[at] === 0xff && at + 1 < bytes.length) at++;
		const marker = bytes[at] ?? 0;
		at++;
		if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
		if (marker === 0x00 || marker === 0xd9 || marker === 0xda || at + 2 > bytes.length) return null;
		const length = uint16be(bytes, at);
		if (length < 2) return null;
		if (isStartOfFrame(marker)) {
			if (at + 7 > bytes.length) return null;
			return { type: "image/jpeg", height: uint16be(bytes, at + 3), width: uint16be(bytes, at + 5) };
		}
		at += length;
	}
	return null;
}

function isStartOfFrame(marker: number): boolean {
	return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * RIFF, its size, WEBP, then the first chunk: VP8 (lossy: a key frame's start code, then 14-bit
 * width and height), VP8L (lossless: a signature byte, then width-1 and height-1 in 14 bits each)
 * or VP8X (extended: the canvas's width-1 and height-1 in 24 bits each).
 */
function webp(bytes: Uint8Array): SniffedImage | null {
	if (!startsWith(bytes, ascii("RIFF"), 0) || !startsWith(bytes, ascii("WEBP"), 8)) return null;
	const at = 20;
	if (startsWith(bytes, ascii("VP8 "), 12)) {
		if (bytes.length < at + 10 || !startsWith(bytes, [0x9d, 0x01, 0x2a], at + 3)) return null;
		const width = uint16le(bytes, at + 6) & 0x3fff;
		const height = uint16le(bytes, at + 8) & 0x3fff;
		return { type: "image/webp", width, height };
	}
	if (startsWith(bytes, ascii("VP8L"), 12)) {
		if (bytes.length < at + 5 || bytes[at] !== 0x2f) return null;
		const bits = uint32le(bytes, at + 1);
		return { type: "image/webp", width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
	}
	if (startsWith(bytes, ascii("VP8X"), 12)) {
		if (bytes.length < at + 10) return null;
		return { type: "image/webp", width: uint24le(bytes, at + 4) + 1, height: uint24le(bytes, at + 7) + 1 };
	}
	return null;
}

function startsWith(bytes: Uint8Array, expected: readonly number[], at: number): boolean {
	if (bytes.length < at + expected.length) return false;
	return expected.every((byte, index) => bytes[at + index] === byte);
}

function ascii(text: string): number[] {
	return Array.from(text, (char) => char.charCodeAt(0));
}

const byteAt = (bytes: Uint8Array, at: number) => bytes[at] ?? 0;
const uint16be = (bytes: Uint8Array, at: number) => (byteAt(bytes, at) << 8) | byteAt(bytes, at + 1);
const uint16le = (bytes: Uint8Array, at: number) => byteAt(bytes, at) | (byteAt(bytes, at + 1) << 8);
const uint24le = (bytes: Uint8Array, at: number) => uint16le(bytes, at) | (byteAt(bytes, at + 2) << 16);
const uint32le = (bytes: Uint8Array, at: number) =>
	(uint24le(bytes, at) | (byteAt(bytes, at + 3) << 24)) >>> 0;
const uint32be = (bytes: Uint8Array, at: number) =>
	((byteAt(bytes, at) << 24) | (byteAt(bytes, at + 1) << 16) | uint16be(bytes, at + 2)) >>> 0;
