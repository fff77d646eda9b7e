import type { Page, Request } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
	aliceAndBobIn,
	connectClient,
	createChat,
	joinRoom,
	messageLog,
	newContext,
	unique,
	waitForMessage,
} from "./helpers.ts";
import { loaded, messageImages, pngImage } from "./images.ts";

/** Pastes a PNG drawn in the page into the message box, as the clipboard of a screenshot tool would. */
function pasteImage(page: Page, width: number, height: number): Promise<void> {
	return page.getByLabel("Message", { exact: true }).evaluate(
		async (box, [w, h]) => {
			const canvas = document.createElement("canvas");
			canvas.width = w as number;
			canvas.height = h as number;
			const context = canvas.getContext("2d") as CanvasRenderingContext2D;
			context.fillStyle = "#c0392b";
			context.fillRect(0, 0, canvas.width, canvas.height);
			const blob = await new Promise<Blob>((done) =>
				canvas.toBlob((made) => done(made as Blob), "image/png"),
			);
			const clipboard = new DataTransfer();
			clipboard.items.add(new File([blob], "pasted.png", { type: "image/png" }));
			box.dispatchEvent(
				new ClipboardEvent("paste", { clipboardData: clipboard, bubbles: true, cancelable: true }),
			);
		},
		[width, height],
	);
}

function box(page: Page, selector: string) {
	return page
		.locator(selector)
		.last()
		.evaluate((element) => {
			const { width, height } = element.getBoundingClientRect();
			return { width, height };
		});
}

const chips = (page: Page) => page.getByRole("list", { name: "Images to send" }).getByRole("listitem");

describe("images in the room and the embed", () => {
	it("attaches by paste and by the Attach button, shows thumbnails at their shape to everyone, opens them large", async () => {
		const { chat, alice, bob, aliceContext, bobContext } = await aliceAndBobIn("Pictures");
		// Bob's copies of the images are held back until he has measured the empty boxes.
		let release = () => {};
		const held = new Promise<void>((done) => {
			release = done;
		});
		await bobContext.route("**/api/chats/*/files/*", async (route) => {
			await held;
			await route.continue();
		});

		// A pasted image: uploaded at once, a chip with Remove, and the message goes without any text.
		await pasteImage(alice, 300, 150);
		await expect.poll(() => chips(alice).count()).toBe(1);
		await alice.locator(".attached-files li:not(.uploading)").waitFor();
		await alice.getByRole("button", { name: "Send", exact: true }).click();
		await expect.poll(() => chips(alice).count()).toBe(0);

		const bobsImage = messageImages(bob).last();
		await bobsImage.waitFor();
		expect(await bobsImage.getAttribute("alt")).toBe("Image from Alice");
		// Before a byte has arrived the box already has the image's shape (300x150, at most 240 wide).
		expect(await bobsImage.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(0);
		expect(await box(bob, "li[data-seq] .attachments img")).toEqual({ width: 240, height: 120 });
		release();
		expect(await loaded(bobsImage)).toEqual({ width: 300, height: 150 });
		expect(await box(bob, "li[data-seq] .attachments img")).toEqual({ width: 240, height: 120 });
		expect(await loaded(messageImages(alice).last())).toEqual({ width: 300, height: 150 });

		// The large view: a click opens it, Escape closes it and the focus is back on the thumbnail.
		const thumbnail = bob.getByRole("button", { name: "Image from Alice", exact: true });
		await thumbnail.click();
		const viewer = bob.getByRole("dialog", { name: "Image from Alice" });
		expect(await loaded(viewer.getByRole("img"))).toEqual({ width: 300, height: 150 });
		expect(await box(bob, "dialog img")).toEqual({ width: 300, height: 150 });
		await bob.keyboard.press("Escape");
		await viewer.waitFor({ state: "detached" });
		expect(await thumbnail.evaluate((button) => button === document.activeElement)).toBe(true);
		// From the keyboard: Enter on the focused thumbnail, then Close.
		await bob.keyboard.press("Enter");
		await viewer.getByRole("button", { name: "Close", exact: true }).click();
		await viewer.waitFor({ state: "detached" });

		// The Attach button opens the file picker; two images and a line of text go together.
		const typed = alice.getByLabel("Message", { exact: true });
		await typed.fill("two pictures of the harbour");
		const [chooser] = await Promise.all([
			alice.waitForEvent("filechooser"),
			alice.getByRole("button", { name: "Attach", exact: true }).click(),
		]);
		expect(chooser.isMultiple()).toBe(true);
		await chooser.setFiles([
			{ name: "tall.png", mimeType: "image/png", buffer: pngImage(100, 400) },
			{ name: "wide.png", mimeType: "image/png", buffer: pngImage(200, 100) },
		]);
		await expect.poll(() => chips(alice).count()).toBe(2);
		await alice.getByRole("button", { name: "Send", exact: true }).click();
		await waitForMessage(bob, "two pictures of the harbour");
		const pair = messageLog(bob).locator("li[data-seq]").last().locator(".attachments img");
		expect(await pair.evaluateAll((images) => images.map((img) => img.getAttribute("alt")))).toEqual([
			"Image 1 of 2 from Alice",
			"Image 2 of 2 from Alice",
		]);
		expect(await loaded(pair.nth(0))).toEqual({ width: 100, height: 400 });
		expect(await pair.nth(0).evaluate((img) => [img.clientWidth, img.clientHeight])).toEqual([60, 240]);

		// A refusal is shown in the server's words, and what was typed stays.
		await typed.fill("this text stays");
		await alice.locator('input[type="file"]').setInputFiles({
			name: "notes.png",
			mimeType: "image/png",
			buffer: Buffer.from("not an image at all"),
		});
		await alice
			.locator(".composer .form-error")
			.filter({ hasText: /^notes\.png: .+/ })
			.waitFor();
		expect(await chips(alice).count()).toBe(0);
		expect(await typed.inputValue()).toBe("this text stays");

		// A file dropped on the conversation is attached too; Remove takes it back, and the keyboard
		// goes on from Attach.
		await messageLog(alice).evaluate((log, base64) => {
			const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
			const dropped = new DataTransfer();
			dropped.items.add(new File([bytes], "dropped.png", { type: "image/png" }));
			log.dispatchEvent(
				new DragEvent("dragover", { dataTransfer: dropped, bubbles: true, cancelable: true }),
			);
			log.dispatchEvent(new DragEvent("drop", { dataTransfer: dropped, bubbles: true, cancelable: true }));
		}, pngImage(10, 10).toString("base64"));
		await expect.poll(() => chips(alice).count()).toBe(1);
		await alice.getByRole("button", { name: "Remove dropped.png", exact: true }).click();
		expect(await chips(alice).count()).toBe(0);
		expect(
			await alice
				.getByRole("button", { name: "Attach", exact: true })
				.evaluate((button) => button === document.activeElement),
		).toBe(true);

		// The embed shows them too.
		const embedContext = await newContext({ viewport: { width: 600, height: 700 } });
		const embed = await embedContext.newPage();
		await joinRoom(embed, `/embed/${chat.id}`, "Reader");
		await waitForMessage(embed, "two pictures of the harbour");
		expect(await loaded(messageImages(embed).first())).toEqual({ width: 300, height: 150 });
		expect(await messageImages(embed).count()).toBe(3);
		await embedContext.close();
		await aliceContext.close();
		await bobContext.close();
	});

	it("fetches a private chat's images with a header, shows them from memory, and never puts a secret in a URL", async () => {
		const chat = await createChat({ name: unique("Private pictures"), visibility: "private" });
		const inviteKey = chat.inviteKey as string;
		const bot = await connectClient(chat.id, "Camera", { key: inviteKey });
		const file = await bot.uploadFile(pngImage(64, 48), "image/png");
		bot.send("from the camera", { attachments: [file.id] });

		const context = await newContext();
		const page = await context.newPage();
		const requests: Request[] = [];
		page.on("request", (request) => requests.push(request));
		await joinRoom(page, `/c/${chat.id}#key=${inviteKey}`, "Viewer");
		await waitForMessage(page, "from the camera");
		const image = messageImages(page).first();
		expect(await loaded(image)).toEqual({ width: 64, height: 48 });
		expect(await image.getAttribute("src")).toMatch(/^blob:/);
		// Its object URL is let go once the picture is shown.
		await expect
			.poll(() =>
				image.evaluate(
					(img: HTMLImageElement) =>
						new Promise((done) => {
							const again = new Image();
							again.onload = () => done("held");
							again.onerror = () => done("revoked");
							again.src = img.src;
						}),
				),
			)
			.toBe("revoked");

		// The viewer's own image too, and the large view.
		await pasteImage(page, 30, 20);
		await page.locator(".attached-files li:not(.uploading)").waitFor();
		await page.getByRole("button", { name: "Send", exact: true }).click();
		await expect.poll(() => messageImages(page).count()).toBe(2);
		expect(await loaded(messageImages(page).last())).toEqual({ width: 30, height: 20 });
		await page.getByRole("button", { name: "Image from Camera", exact: true }).click();
		expect(await loaded(page.getByRole("dialog").getByRole("img"))).toEqual({ width: 64, height: 48 });
		await page.keyboard.press("Escape");

		const fileReads = requests.filter((request) => /\/api\/chats\/[^/]+\/files\//.test(request.url()));
		expect(fileReads.filter((request) => request.method() === "GET").length).toBeGreaterThanOrEqual(3);
		for (const request of fileReads) {
			expect(request.headers().authorization ?? request.headers()["x-chat-key"]).toBeTruthy();
		}
		const token = await page.evaluate(() =>
			Object.values(localStorage).find((value) => value.includes('"token"')),
		);
		const secrets = [inviteKey, JSON.parse(token ?? "{}").token as string].filter(Boolean);
		expect(secrets.length).toBe(2);
		for (const request of requests) {
			for (const secret of secrets) expect(request.url()).not.toContain(secret);
		}
		bot.close();
		await context.close();
	});
});
