/**
 * Prints the gzipped size of the JavaScript and CSS a page of the built client loads, and fails
 * when the JavaScript is over budget. Run after `vite build` (`npm run size` does both).
 *
 * Every page (lobby, room, embed) loads the same entry, so this is the room page's figure. Any
 * JavaScript file in the build that the entry does not reference is counted too, so the figure
 * is an upper bound if the build is ever split into lazily loaded chunks.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";

/**
 * 30 KB until images came to the pages: attaching (a button, a paste, a drop, with uploads and
 * their chips), thumbnails at each image's shape, the large view and a private chat's images
 * fetched with a header added 1.1 KB gzipped to a page that had 0.5 KB left. Loading that part
 * lazily makes the entry larger, not smaller (the bundler's preload helper outweighs it), and
 * every file counts here anyway; so the budget grew by the least that holds it, to 30.7 KB.
 */
const budgetBytes = 30.7 * 1024;
const dist = resolve(import.meta.dirname, "../../dist/web");
const assets = join(dist, "assets");

function gzipped(path: string): number {
	return gzipSync(readFileSync(path), { level: 9 }).length;
}

function kb(bytes: number): string {
	return `${(bytes / 1024).toFixed(1)} KB`;
}

let files: string[];
try {
	files = readdirSync(assets);
} catch {
	console.error(`No build in ${dist}: run "vite build" first.`);
	process.exit(1);
}

const html = readFileSync(join(dist, "index.html"), "utf8");
const referenced = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+)"/g)].map((match) => match[1]);
let jsTotal = 0;
let cssTotal = 0;
for (const file of files.sort()) {
	const size = gzipped(join(assets, file));
	const raw = readFileSync(join(assets, file)).length;
	const note = referenced.includes(`assets/${file}`) ? "" : " (not referenced by index.html)";
	if (file.endsWith(".js")) jsTotal += size;
	else if (file.endsWith(".css")) cssTotal += size;
	else continue;
	console.log(`${file.padEnd(32)} ${kb(raw).padStart(9)} raw  ${kb(size).padStart(8)} gzip${note}`);
}
console.log(
	`room page JavaScript: ${kb(jsTotal)} gzipped (budget ${kb(budgetBytes)}); CSS: ${kb(cssTotal)} gzipped`,
);
if (jsTotal > budgetBytes) {
	console.error(`Over budget by ${kb(jsTotal - budgetBytes)}.`);
	process.exit(1);
}
