import { describe, expect, it } from "vitest";
import { baseUrl, createChat, joinRoom, newContext, unique, waitForMessage } from "./helpers.ts";

/** API_KEYS in .dev.vars, which `wrangler dev` reads: a backend posts as any user without a socket. */
const apiKey = { "X-API-Key": "local-development-api-key" };
const people = ["Ada", "Sam", "Mia", "Bob", "Eve", "Lin"];

async function postAs(chatId: string, name: string, text: string): Promise<void> {
	const response = await fetch(`${baseUrl}/api/chats/${chatId}/messages`, {
		method: "POST",
		headers: { ...apiKey, "Content-Type": "application/json" },
		body: JSON.stringify({ text, user: { id: `colours.${name.toLowerCase()}`, name } }),
	});
	expect(response.status).toBe(201);
}

/** The hue angle (degrees) of an sRGB colour in OKLab, the space the stylesheet's OKLCH colours live in. */
function oklabHue([red, green, blue]: number[]): number {
	const linear = [red, green, blue].map((channel) => {
		const value = (channel ?? 0) / 255;
		return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
	});
	const [r = 0, g = 0, b = 0] = linear;
	const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
	const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
	const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
	const a = 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s;
	const bAxis = 0.0259040371 * l + 0.7827717662 * m - 0.808206887 * s;
	return (Math.atan2(bAxis, a) * 180) / Math.PI;
}

function luminance(rgb: number[]): number {
	const [r = 0, g = 0, b = 0] = rgb.map((channel) => {
		const value = channel / 255;
		return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
	});
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(one: number[], other: number[]): number {
	const [light, dark] = [luminance(one), luminance(other)].sort((x, y) => y - x);
	return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
}

function hueDistance(one: number, other: number): number {
	const apart = Math.abs(one - other) % 360;
	return Math.min(apart, 360 - apart);
}

describe("people's colours", () => {
	for (const colorScheme of ["light", "dark"] as const) {
		it(`tell six people of a chat apart by hue, each readable on every surface (${colorScheme})`, async () => {
			const chat = await createChat({ name: unique("Colours") });
			for (const name of people) await postAs(chat.id, name, `I am ${name}`);

			const context = await newContext({ colorScheme });
			const page = await context.newPage();
			await joinRoom(page, `/c/${chat.id}`, "Reader");
			await waitForMessage(page, `I am ${people.at(-1)}`);
			// The colours as the browser paints them (sRGB pixels of a canvas), whatever the CSS says.
			const painted = await page.evaluate(() => {
				const canvas = document.createElement("canvas");
				canvas.width = 1;
				canvas.height = 1;
				const pen = canvas.getContext("2d", { willReadFrequently: true });
				if (!pen) throw new Error("no 2d canvas");
				const pixel = (css: string) => {
					pen.clearRect(0, 0, 1, 1);
					pen.fillStyle = css;
					pen.fillRect(0, 0, 1, 1);
					return [...pen.getImageData(0, 0, 1, 1).data.slice(0, 3)];
				};
				const root = getComputedStyle(document.documentElement);
				return {
					surfaces: ["--bg", "--surface", "--surface-2", "--own"].map((name) =>
						pixel(root.getPropertyValue(name).trim()),
					),
					authors: [...document.querySelectorAll("[role=log] li[data-seq] .author")].map((element) => ({
						name: element.textContent ?? "",
						rgb: pixel(getComputedStyle(element).color),
					})),
				};
			});
			await context.close();

			expect(painted.authors.map((author) => author.name)).toEqual(people);
			for (const author of painted.authors) {
				for (const surface of painted.surfaces) {
					expect(contrast(author.rgb, surface), `${author.name} on ${surface}`).toBeGreaterThanOrEqual(4.5);
				}
			}
			// The ring's hues are 40° apart; painting (and the sRGB gamut) moves each by a few degrees.
			const hues = painted.authors.map((author) => ({ name: author.name, hue: oklabHue(author.rgb) }));
			for (const [index, one] of hues.entries()) {
				for (const other of hues.slice(index + 1)) {
					expect(hueDistance(one.hue, other.hue), `${one.name} and ${other.name}`).toBeGreaterThanOrEqual(30);
				}
			}
		});
	}
});
