import { describe, expect, it } from "vitest";
import { api, baseUrl, connectClient, joinRoom, newContext, uiTimeoutMs, unique } from "./helpers.ts";

describe("lobby", () => {
	it("creates a public chat, shows its link, and lists it with a live connection count", async () => {
		const context = await newContext();
		const page = await context.newPage();
		await page.goto("/");
		const name = unique("Book club");
		await page.getByLabel("Chat name", { exact: true }).fill(name);
		await page.getByRole("button", { name: "Create chat", exact: true }).click();

		const link = await page.getByLabel("Link", { exact: true }).inputValue();
		expect(link).toMatch(new RegExp(`^${baseUrl}/c/[A-Za-z0-9]+$`));
		const chatId = link.split("/c/")[1] ?? "";

		const entry = page.locator(`.chat-list li[data-chat="${chatId}"]`);
		await entry.getByRole("link", { name, exact: true }).waitFor();
		await entry.getByText("0 online").waitFor();

		// Someone joins from elsewhere: the count changes without a reload.
		const visitor = await connectClient(chatId, "visitor");
		await entry.getByText("1 online").waitFor({ timeout: uiTimeoutMs });
		visitor.close();
		await entry.getByText("0 online").waitFor({ timeout: uiTimeoutMs });
		await context.close();
	});

	it("joins a public chat by typing its name", async () => {
		const name = unique("Gardening");
		const chat = await api.createChat({ name });
		const context = await newContext();
		const page = await context.newPage();
		await page.goto("/");
		await page.locator(`.chat-list li[data-chat="${chat.id}"]`).waitFor();
		await page.getByLabel("Join by name", { exact: true }).fill(name.toUpperCase());
		await page.getByRole("button", { name: "Open", exact: true }).click();
		await page.waitForURL(`**/c/${chat.id}`);
		await page.getByLabel("Your name", { exact: true }).waitFor();
		await context.close();
	});

	it("keeps a private chat out of the list and closed to anyone without its invite link", async () => {
		const ownerContext = await newContext();
		const ownerPage = await ownerContext.newPage();
		await ownerPage.goto("/");
		const name = unique("Secret plans");
		await ownerPage.getByLabel("Chat name", { exact: true }).fill(name);
		await ownerPage.getByLabel("Private", { exact: true }).check();
		await ownerPage.getByRole("button", { name: "Create chat", exact: true }).click();
		const invite = await ownerPage.getByLabel("Invite link", { exact: true }).inputValue();
		// The key rides in the fragment, which no server ever receives.
		const match = /\/c\/([A-Za-z0-9]+)#key=(.+)$/.exec(invite);
		expect(match).not.toBeNull();
		const chatId = match?.[1] ?? "";

		// Not in the directory, neither over the API nor on the page after a refresh.
		const { chats } = await api.listChats();
		expect(chats.map((chat) => chat.id)).not.toContain(chatId);
		const stranger = await newContext();
		const strangerPage = await stranger.newPage();
		await strangerPage.goto("/");
		await strangerPage.getByRole("heading", { name: "Public chats" }).waitFor();
		await strangerPage.waitForResponse((response) => response.url().endsWith("/api/chats"));
		expect(await strangerPage.locator(`.chat-list li[data-chat="${chatId}"]`).count()).toBe(0);
		expect(await strangerPage.getByText(name).count()).toBe(0);

		// The bare address, or a wrong key, leads nowhere and offers no way in.
		for (const path of [`/c/${chatId}`, `/c/${chatId}?key=wrong-key`, `/embed/${chatId}`]) {
			await strangerPage.goto(path);
			await strangerPage.getByRole("heading", { name: "Chat not found" }).waitFor();
			expect(await strangerPage.getByLabel("Your name", { exact: true }).count()).toBe(0);
		}

		// The invite link lets them in, as a member, and the key leaves the address bar at once.
		await joinRoom(strangerPage, invite.replace(baseUrl, ""), "guest");
		expect(await strangerPage.getByText("Share and embed").count()).toBe(0);
		expect(strangerPage.url()).toBe(`${baseUrl}/c/${chatId}`);

		// An old-style ?key= link still lets someone in, and is cleaned up the same way.
		const latecomer = await newContext();
		const latePage = await latecomer.newPage();
		await joinRoom(latePage, `/c/${chatId}?key=${encodeURIComponent(match?.[2] ?? "")}`, "late guest");
		expect(latePage.url()).toBe(`${baseUrl}/c/${chatId}`);
		await latecomer.close();

		// The creator comes back without any key in the address and is the owner.
		await joinRoom(ownerPage, `/c/${chatId}`, "host");
		await ownerPage.getByText("Share and embed").click();
		const snippet = await ownerPage.getByLabel("Embed code", { exact: true }).inputValue();
		expect(snippet).toContain(`src="${baseUrl}/embed/${chatId}#key=`);
		await stranger.close();
		await ownerContext.close();
	});
});
