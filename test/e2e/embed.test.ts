import { describe, expect, it } from "vitest";
import { baseUrl, connectClient, createChat, joinRoom, newContext, unique } from "./helpers.ts";

describe("embed", () => {
	it("gives the owner a snippet that puts a working compact chat on another page", async () => {
		const chat = await createChat({ name: unique("Embedded") });
		const ownerContext = await newContext();
		const owner = await ownerContext.newPage();
		await joinRoom(owner, `/c/${chat.id}?key=${chat.ownerKey}`, "Owner");
		await owner.getByText("Share and embed").click();
		const snippet = await owner.getByLabel("Embed code", { exact: true }).inputValue();
		expect(snippet).toMatch(new RegExp(`^<iframe src="${baseUrl}/embed/${chat.id}" title="Chat: [^"]+"`));

		// Someone else's site, with the snippet pasted in.
		const visitorContext = await newContext({ viewport: { width: 800, height: 700 } });
		const site = await visitorContext.newPage();
		await site.setContent(`<!doctype html><h1>A blog post</h1>${snippet}`);
		const frame = site.frameLocator("iframe");
		await frame.getByLabel("Your name", { exact: true }).fill("Reader");
		await frame.getByRole("button", { name: "Join", exact: true }).click();
		await frame.locator('.status[data-state="live"]').waitFor();
		// Compact: no sidebar, the count in the header instead.
		expect(await frame.locator(".sidebar").count()).toBe(0);
		await frame.getByText("2 online").waitFor();

		const bot = await connectClient(chat.id, "Bot");
		bot.send("hello, embedded reader");
		await frame.getByRole("log", { name: "Messages" }).getByText("hello, embedded reader").waitFor();
		await frame.getByLabel("Message", { exact: true }).fill("hi from the blog");
		await frame.getByRole("button", { name: "Send", exact: true }).click();
		await owner.getByRole("log", { name: "Messages" }).getByText("hi from the blog").waitFor();
		bot.close();
		await visitorContext.close();
		await ownerContext.close();
	});
});
