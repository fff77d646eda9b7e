/**
 * Tiny valid images, built as bytes: a PNG and a GIF of any size, a baseline JPEG (5x3) and WebP
 * images in each of its three forms (lossy VP8 6x4, lossless VP8L 7x2, extended VP8X around it).
 * The JPEG's and the VP8 and VP8L bitstreams were written by a browser's encoder.
 */

const jpeg5x3 =
	"/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hn" +
	"Pk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj" +
	"Y2P/wAARCAADAAUDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAH/xAAYEAEBAQEBAAAAAAAAAAAAAAABAgARIf/EABUBAQEA" +
	"AAAAAAAAAAAAAAAAAAIF/8QAFBEBAAAAAAAAAAAAAAAAAAAAAP/aAAwDAQACEQMRAD8AtU3TVLVL1V9XMzFFf//Z";
const vp8For6x4 = "cAEAnQEqBgAEAALATCWgAnQAAAAA4iuTAxjwkg4slf/8Wh/bz/g1tKAA";
const vp8lFor7x2 = "LwZAAAAP8CrVzzD/DnH+Iw0TENH/CA==";

export interface TestImage {
	bytes: Uint8Array<ArrayBuffer>;
	type: "image/png" | "image/jpeg" | "image/gif" | "image/webp";
	width: number;
	height: number;
}

export function png(width: number, height: number): TestImage {
	const header = new Uint8Array(13);
	const view = new DataView(header.buffer);
	view.setUint32(0, width);
	view.setUint32(4, height);
	header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, no interlace
	// Each row: filter 0, then a byte per pixel.
	const rows = new Uint8Array((width + 1) * height);
	const bytes = concat(
		[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
		pngChunk("IHDR", header),
		pngChunk("IDAT", zlibStored(rows)),
		pngChunk("IEND", new Uint8Array(0)),
	);
	return { bytes, type: "image/png", width, height };
}

/** A GIF whose logical screen is `width` x `height`, with one black pixel drawn in it. */
export function gif(width: number, height: number): TestImage {
	const bytes = concat(
		ascii("GIF89a"),
		le16(width),
		le16(height),
		[0x80, 0, 0], // a global colour table of 2 colours
		[0, 0, 0, 0xff, 0xff, 0xff],
		[0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0], // an image of 1x1 at 0,0
		[0x02, 0x02, 0x44, 0x01, 0x00], // its LZW data: clear, 0, end
		[0x3b],
	);
	return { bytes, type: "image/gif", width, height };
}

export function jpeg(): TestImage {
	return { bytes: base64(jpeg5x3), type: "image/jpeg", width: 5, height: 3 };
}

export function webpLossy(): TestImage {
	return { bytes: riff(riffChunk("VP8 ", base64(vp8For6x4))), type: "image/webp", width: 6, height: 4 };
}

export function webpLossless(): TestImage {
	return { bytes: riff(riffChunk("VP8L", base64(vp8lFor7x2))), type: "image/webp", width: 7, height: 2 };
}

/** The lossless image in the extended form, whose VP8X chunk names the canvas size. */
export function webpExtended(): TestImage {
	const header = concat([0, 0, 0, 0], le24(7 - 1), le24(2 - 1));
	const bytes = riff(concat(riffChunk("VP8X", header), riffChunk("VP8L", base64(vp8lFor7x2))));
	return { bytes, type: "image/webp", width: 7, height: 2 };
}

export function ascii(text: string): number[] {
	return Array.from(text, (char) => char.charCodeAt(0));
}

function concat(...parts: Array<ArrayLike<number>>): Uint8Array<ArrayBuffer> {
	const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
	let at = 0;
	for (const part of parts) {
		bytes.set(part, at);
		at += part.length;
	}
	return bytes;
}

function base64(text: string): Uint8Array<ArrayBuffer> {
	return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

const le16 = (value: number) => [value & 0xff, (value >> 8) & 0xff];
const le24 = (value: number) => [...le16(value), (value >> 16) & 0xff];
const le32 = (value: number) => [...le24(value), (value >>> 24) & 0xff];
const be32 = (value: number) => [
	(value >>> 24) & 0xff,
	(value >> 16) & 0xff,
	(value >> 8) & 0xff,
	value & 0xff,
];

function riffChunk(id: string, data: Uint8Array): Uint8Array {
	return concat(ascii(id), le32(data.length), data, data.length % 2 === 1 ? [0] : []);
}

function riff(chunks: Uint8Array): Uint8Array<ArrayBuffer> {
	return concat(ascii("RIFF"), le32(4 + chunks.length), ascii("WEBP"), chunks);
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
	const typed = concat(ascii(type), data);
	return concat(be32(data.length), typed, be32(crc32(typed)));
}

/** A zlib stream of stored (uncompressed) blocks: valid, and needing no compressor. */
function zlibStored(data: Uint8Array): Uint8Array {
	const blocks: number[] = [];
	for (let at = 0; at < data.length || at === 0; at += 65535) {
		const block = data.subarray(at, at + 65535);
		const last = at + 65535 >= data.length ? 1 : 0;
		blocks.push(last, ...le16(block.length), ...le16(~block.length & 0xffff), ...block);
	}
	return concat([0x78, 0x01], blocks, be32(adler32(data)));
}

function crc32(bytes: Uint8Array): number {
	let crc = 0xffffffff;
	for (const byte of bytes) {
		crc ^= byte;
		for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
	}
	return (crc ^ 0xffffffff) >>> 0;
}

function adler32(bytes: Uint8Array): number {
	let a = 1;
	let b = 0;
	for (const byte of bytes) {
		a = (a + byte) % 65521;
		b = (b + a) % 65521;
	}
	return ((b << 16) | a) >>> 0;
}
