import { describe, expect, it } from "vitest";
import {
	aliceAndBobIn,
	api,
	createChat,
	dialog,
	joinRoom,
	messageLog,
	newContext,
	sendFromPage,
	settledTexts,
	unique,
	waitForMessage,
} from "./helpers.ts";

describe("room", () => {
	it("shows two people each other's messages, presence and typing", async () => {
		const { aliceContext, bobContext, alice, bob } = await aliceAndBobIn("Two people");

		// Presence: each sees both names and the count.
		for (const page of [alice, bob]) {
			const online = page.getByRole("region", { name: /Online/ });
			await online.getByText("2", { exact: true }).waitFor();
			await online.getByText("Alice").waitFor();
			await online.getByText("Bob").waitFor();
		}

		// Typing is announced to the other person only.
		await alice.getByLabel("Message", { exact: true }).pressSequentially("Hi B");
		await bob.getByText("Alice is typing…").waitFor();
		expect(await alice.getByText("Alice is typing…").count()).toBe(0);

		await alice.getByLabel("Message", { exact: true }).fill("Hi Bob, how are you?");
		await alice.getByRole("button", { name: "Send", exact: true }).click();
		await waitForMessage(bob, "Hi Bob, how are you?");
		await waitForMessage(alice, "Hi Bob, how are you?");
		// The typing notice ends with the message it announced.
		await bob.getByText("Alice is typing…").waitFor({ state: "hidden" });

		await sendFromPage(bob, "Fine, thanks!");
		await waitForMessage(alice, "Fine, thanks!");
		await waitForMessage(bob, "Fine, thanks!");

		for (const page of [alice, bob]) {
			expect(await settledTexts(page)).toEqual(["Hi Bob, how are you?", "Fine, thanks!"]);
			expect(await messageLog(page).locator(".author").allTextContents()).toEqual(["Alice", "Bob"]);
			expect(await messageLog(page).locator(".pending").count()).toBe(0);
		}
		// One person keeps one colour wherever they are seen.
		const aliceColour = await alice
			.locator("[role=log] .author")
			.first()
			.evaluate((el) => getComputedStyle(el).color);
		const aliceColourOnBob = await bob
			.locator("[role=log] .author")
			.first()
			.evaluate((el) => getComputedStyle(el).color);
		expect(aliceColourOnBob).toBe(aliceColour);

		// Leaving is seen too.
		await bobContext.close();
		await alice
			.getByRole("region", { name: /Online/ })
			.getByText("Bob")
			.waitFor({ state: "detached" });
		await aliceContext.close();
	});

	it("shows an own message at once as pending and settles it when the server echoes it", async () => {
		const chat = await createChat({ name: unique("Pending") });
		const context = await newContext();
		const page = await context.newPage();
		await joinRoom(page, `/c/${chat.id}`, "Pat");
		// Hold the socket's outgoing frames back briefly by going offline: the message must show anyway.
		await context.setOffline(true);
		await page.locator('.status[data-state="offline"]').waitFor();
		await sendFromPage(page, "queued while offline");
		const pending = messageLog(page).locator("li.pending");
		await pending.getByText("queued while offline").waitFor();
		await pending.getByText("Sending…").waitFor();
		await context.setOffline(false);
		await waitForMessage(page, "queued while offline");
		expect(await messageLog(page).locator("li.pending").count()).toBe(0);
		expect(await settledTexts(page)).toEqual(["queued while offline"]);
		await context.close();
	});

	it("renders markup in messages as text, and web addresses as safe links", async () => {
		const chat = await createChat({ name: unique("Markup") });
		const context = await newContext();
		const page = await context.newPage();
		await joinRoom(page, `/c/${chat.id}`, "<b>Mallory</b>");
		const attack = `<img src=x onerror="window.__owned = true"> <script>window.__owned = true</script>`;
		await sendFromPage(page, attack);
		await waitForMessage(page, attack);
		const log = messageLog(page);
		expect(await log.locator("img, script, b").count()).toBe(0);
		expect(await log.locator(".author").first().textContent()).toBe("<b>Mallory</b>");
		expect(await page.evaluate(() => "__owned" in window)).toBe(false);

		const text = "Docs: https://example.com/guide?page=2. Not links: javascript:alert(1) and example.org";
		await sendFromPage(page, text);
		await waitForMessage(page, text);
		const links = log.locator("li[data-seq]").last().getByRole("link");
		expect(await links.count()).toBe(1);
		const link = links.first();
		expect(await link.textContent()).toBe("https://example.com/guide?page=2");
		expect(await link.getAttribute("href")).toBe("https://example.com/guide?page=2");
		expect(await link.getAttribute("target")).toBe("_blank");
		expect((await link.getAttribute("rel"))?.split(" ")).toEqual(
			expect.arrayContaining(["noopener", "noreferrer"]),
		);
		await context.close();
	});

	it("loads older messages on demand, in order", async () => {
		const chat = await createChat({ name: unique("Long history") });
		// 72 messages from four writers, each within the per-user rate limit.
		const writers = await Promise.all(
			["w1", "w2", "w3", "w4"].map((name) =>
				api.issueToken(chat.id, { name }).then((issued) => issued.token),
			),
		);
		const expected: string[] = [];
		for (let index = 1; index <= 72; index++) {
			const token = writers[index % writers.length] ?? "";
			const text = `history ${String(index).padStart(2, "0")}`;
			await api.postMessage(chat.id, token, text, `seed-${index}`);
			expected.push(text);
		}

		const context = await newContext();
		const page = await context.newPage();
		await joinRoom(page, `/c/${chat.id}`, "Reader");
		const loadOlder = page.getByRole("button", { name: "Load older", exact: true });
		await loadOlder.waitFor();
		await waitForMessage(page, "history 72");
		expect(await settledTexts(page)).toEqual(expected.slice(-50));

		await loadOlder.click();
		await waitForMessage(page, "history 01");
		expect(await settledTexts(page)).toEqual(expected);
		await loadOlder.waitFor({ state: "hidden" });
		await context.close();
	});

	it("lets the owner delete anyone's message for everyone, after confirming", async () => {
		const chat = await createChat({ name: unique("Moderated") });
		const ownerContext = await newContext();
		const memberContext = await newContext();
		const owner = await ownerContext.newPage();
		const member = await memberContext.newPage();
		await joinRoom(owner, `/c/${chat.id}?key=${chat.ownerKey}`, "Owner");
		await joinRoom(member, `/c/${chat.id}`, "Member");
		await sendFromPage(member, "something regrettable");
		await waitForMessage(owner, "something regrettable");
		await waitForMessage(member, "something regrettable");
		// Everyone may delete their own messages; the owner may delete anyone's.
		expect(await member.getByRole("button", { name: "Delete", exact: true }).count()).toBe(1);
		await sendFromPage(owner, "the owner's");
		await waitForMessage(member, "the owner's");
		expect(await member.getByRole("button", { name: "Delete", exact: true }).count()).toBe(1);
		const regrettable = messageLog(owner)
			.locator("li[data-seq]")
			.filter({ hasText: "something regrettable" })
			.getByRole("button", { name: "Delete", exact: true });

		// Cancel keeps the message.
		await regrettable.click();
		await dialog(owner)
			.getByText("“something regrettable” will be removed for everyone.", { exact: false })
			.waitFor();
		await dialog(owner).getByRole("button", { name: "Cancel", exact: true }).click();
		await dialog(owner).waitFor({ state: "detached" });
		await new Promise((done) => setTimeout(done, 500));
		expect(await messageLog(member).getByText("Message deleted").count()).toBe(0);

		await regrettable.click();
		await dialog(owner).getByRole("button", { name: "Delete", exact: true }).click();
		for (const page of [owner, member]) {
			await messageLog(page).getByText("Message deleted").waitFor();
			expect(await messageLog(page).getByText("something regrettable").count()).toBe(0);
		}
		const { messages } = await api.history(chat.id);
		expect(messages).toEqual([
			expect.objectContaining({ text: "", deleted: true }),
			expect.objectContaining({ text: "the owner's" }),
		]);
		await ownerContext.close();
		await memberContext.close();
	});

	it("works with the keyboard alone", async () => {
		const chat = await createChat({ name: unique("Keyboard") });
		const context = await newContext();
		const page = await context.newPage();
		await page.goto(`/c/${chat.id}`);
		// The name field has focus once the chat is found; Enter submits the form.
		await page.waitForFunction(() => document.activeElement?.getAttribute("name") === "name");
		await page.keyboard.type("Keys");
		await page.keyboard.press("Enter");
		await page.locator('.status[data-state="live"]').waitFor();
		// Joining puts the focus in the message box.
		await page.keyboard.type("typed, never clicked");
		await page.keyboard.press("Enter");
		await waitForMessage(page, "typed, never clicked");
		// Shift+Enter is a new line, not a send.
		await page.keyboard.type("line one");
		await page.keyboard.press("Shift+Enter");
		await page.keyboard.type("line two");
		await page.keyboard.press("Tab");
		expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Send");
		await page.keyboard.press("Enter");
		await waitForMessage(page, "line one\nline two");
		await context.close();
	});

	it("fits a phone screen", async () => {
		const chat = await createChat({ name: unique("Phone") });
		const context = await newContext({ viewport: { width: 375, height: 667 } });
		const page = await context.newPage();
		await joinRoom(page, `/c/${chat.id}`, "Mobile");
		await sendFromPage(page, "small screen, same chat");
		await waitForMessage(page, "small screen, same chat");
		const send = await page.getByRole("button", { name: "Send", exact: true }).boundingBox();
		expect(send).not.toBeNull();
		expect((send?.x ?? 0) + (send?.width ?? 0)).toBeLessThanOrEqual(375);
		expect((send?.y ?? 0) + (send?.height ?? 0)).toBeLessThanOrEqual(667);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
		await context.close();
	});
});
