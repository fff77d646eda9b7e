import { describe, expect, it } from "vitest";
import { seriousViolations } from "./accessibility.ts";
import {
	connectClient,
	createChat,
	joinRoom,
	newContext,
	sendFromPage,
	unique,
	until,
	waitForMessage,
} from "./helpers.ts";
import { pngImage } from "./images.ts";

describe("accessibility (axe-core)", () => {
	for (const colorScheme of ["light", "dark"] as const) {
		it(`finds no serious or critical violation on the lobby, the room and the embed (${colorScheme})`, async () => {
			const chat = await createChat({ name: unique("Accessible") });
			const guest = await connectClient(chat.id, "Guest");
			guest.send("a message from someone else, with a link: https://example.com");
			const picture = await guest.uploadFile(pngImage(320, 200), "image/png");
			guest.send("a picture", { attachments: [picture.id] });
			// axe-core is injected as an inline script, which the pages' own policy rightly refuses.
			const context = await newContext({ colorScheme, bypassCSP: true });
			const page = await context.newPage();

			await page.goto("/");
			await page.getByRole("button", { name: "Create chat", exact: true }).waitFor();
			expect(await seriousViolations(page), "lobby").toEqual([]);

			await joinRoom(page, `/c/${chat.id}?key=${chat.ownerKey}`, "Owner");
			await waitForMessage(page, "a message from someone else, with a link: https://example.com");
			await sendFromPage(page, "and one of my own");
			await waitForMessage(page, "and one of my own");
			// A message that mentions the owner, highlighted, and the @ picker open in the composer.
			await until(() => guest.online.some((person) => person.name === "Owner"), "the owner online");
			const owner = guest.online.filter((person) => person.name === "Owner").map((person) => person.id);
			guest.send("a word for you, @Owner", { mentions: owner });
			await page.locator("li.mentions-me").waitFor();
			await page.getByLabel("Message", { exact: true }).pressSequentially("@g");
			await page.getByRole("listbox", { name: "People to mention" }).waitFor();
			await page.getByText("Share and embed").click();
			await page.getByText("Chat settings", { exact: true }).click();
			// The controls on a message: the menu on its author, the reaction picker.
			const guestsMessage = page.locator("li[data-seq]").filter({ hasText: "a message from someone else" });
			await guestsMessage.getByLabel("Moderate Guest").click();
			await guestsMessage.getByRole("button", { name: "React", exact: true }).click();
			await guestsMessage.getByRole("button", { name: "React with 👍" }).waitFor();
			// A reply with its quote, another being written, and search results with the words marked.
			await guestsMessage.getByRole("button", { name: "Reply", exact: true }).click();
			await sendFromPage(page, "a reply of mine");
			await waitForMessage(page, "a reply of mine");
			// The reply quotes the guest's message too: the guest's own is the first.
			await guestsMessage.first().getByRole("button", { name: "Reply", exact: true }).click();
			// An image waiting to go with the next message (its chip and Remove button).
			await page.locator('input[type="file"]').setInputFiles({
				name: "chart.png",
				mimeType: "image/png",
				buffer: pngImage(40, 30),
			});
			await page.locator(".attached-files li:not(.uploading)").waitFor();
			await page.getByRole("searchbox", { name: "Search messages" }).fill("message");
			const results = page.getByRole("region", { name: "Search results" });
			await results.locator("mark").first().waitFor();
			expect(await seriousViolations(page), "room").toEqual([]);

			// A message in its context, marked, under Back to live.
			await results.getByRole("button", { name: /a message from someone else/ }).click();
			await page.locator("li.marked").waitFor();
			expect(await seriousViolations(page), "a message in its context").toEqual([]);
			await page.getByRole("button", { name: "Back to live", exact: true }).click();

			// An image's large view.
			await page.getByRole("button", { name: "Image from Guest", exact: true }).click();
			await page.getByRole("dialog", { name: "Image from Guest" }).waitFor();
			expect(await seriousViolations(page), "image viewer").toEqual([]);
			await page.keyboard.press("Escape");

			await page.getByRole("button", { name: "Delete", exact: true }).first().click();
			await page.getByRole("dialog").waitFor();
			expect(await seriousViolations(page), "delete dialog").toEqual([]);
			await page.keyboard.press("Escape");

			await joinRoom(page, `/embed/${chat.id}`, "Embedded");
			await waitForMessage(page, "and one of my own");
			await page.locator(".attachments img").first().waitFor();
			expect(await seriousViolations(page), "embed").toEqual([]);
			guest.close();
			await context.close();
		});
	}
});
