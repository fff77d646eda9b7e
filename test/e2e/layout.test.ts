import { describe, expect, it } from "vitest";
import {
	connectClient,
	createChat,
	joinRoom,
	messageLog,
	newContext,
	unique,
	waitForMessage,
} from "./helpers.ts";

describe("layout", () => {
	it("shows the owner's whole share link in the Share and embed panel", async () => {
		const chat = await createChat({ name: unique("Sharing") });
		const context = await newContext();
		const page = await context.newPage();
		await joinRoom(page, `/c/${chat.id}?key=${chat.ownerKey}`, "Owner");
		await page.getByText("Share and embed").click();
		const link = page.getByLabel("Link", { exact: true });
		expect(await link.inputValue()).toContain(`/c/${chat.id}`);
		// Nothing of the link is scrolled out of sight.
		const hidden = await link.evaluate(
			(field) => field.scrollWidth > field.clientWidth + 1 || field.scrollHeight > field.clientHeight + 1,
		);
		expect(hidden).toBe(false);
		await context.close();
	});

	it("shows an empty chat's count in the lobby muted, not in the green of activity", async () => {
		const empty = await createChat({ name: unique("Nobody here") });
		const busy = await createChat({ name: unique("Somebody here") });
		const visitor = await connectClient(busy.id, "Visitor");
		const context = await newContext();
		const page = await context.newPage();
		await page.goto("/");
		const emptyCount = page.locator(`.chat-list li[data-chat="${empty.id}"] .count`);
		const busyCount = page.locator(`.chat-list li[data-chat="${busy.id}"] .count`);
		await emptyCount.getByText("0 online").waitFor();
		await busyCount.getByText("1 online").waitFor();
		const colour = (locator: typeof emptyCount) =>
			locator.evaluate((element) => getComputedStyle(element).color);
		const muted = await page
			.locator(".hint")
			.first()
			.evaluate((element) => getComputedStyle(element).color);
		expect(await colour(emptyCount)).toBe(muted);
		expect(await colour(busyCount)).not.toBe(muted);
		visitor.close();
		await context.close();
	});

	it("uses the whole width of a wide screen", async () => {
		const chat = await createChat({ name: unique("Wide") });
		const writer = await connectClient(chat.id, "Writer");
		writer.send("a short line");
		const context = await newContext({ viewport: { width: 1920, height: 900 } });
		const page = await context.newPage();
		await joinRoom(page, `/c/${chat.id}`, "Reader");
		await waitForMessage(page, "a short line");
		const message = await messageLog(page).locator("li[data-seq]").first().boundingBox();
		const sidebar = await page.locator(".sidebar").boundingBox();
		expect(message).not.toBeNull();
		expect(sidebar).not.toBeNull();
		// The message row reaches the sidebar: no empty band between a narrow column and the list.
		const gap = (sidebar?.x ?? 0) - ((message?.x ?? 0) + (message?.width ?? 0));
		expect(gap).toBeLessThan(40);
		expect(sidebar?.width ?? 0).toBeGreaterThan(240);
		writer.close();
		await context.close();
	});
});
