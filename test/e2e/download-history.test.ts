import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { createChat, joinRoom, newContext, sendFromPage, unique, waitForMessage } from "./helpers.ts";

describe("Download history", () => {
	it("gives the owner of a private chat its whole history as a text file", async () => {
		const chat = await createChat({ name: unique("download"), visibility: "private" });
		const context = await newContext();
		const page = await context.newPage();
		await joinRoom(page, `/c/${chat.id}#key=${chat.ownerKey}`, "Owner");
		await sendFromPage(page, "keep this line");
		await waitForMessage(page, "keep this line");
		await page.getByText("Share and embed").click();
		const [download] = await Promise.all([
			page.waitForEvent("download"),
			page.getByRole("button", { name: "Download history" }).click(),
		]);
		expect(download.suggestedFilename()).toBe(`edgechat-${chat.id}.txt`);
		const path = await download.path();
		const text = await readFile(path, "utf8");
		expect(text).toContain("Owner: keep this line");
		await context.close();
	});
});
