import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
	aliceAndBobJoin,
	api,
	connectClient,
	createChat,
	escapeRegExp,
	joinRoom,
	newContext,
	sendFromPage,
	unique,
	waitForMessage,
} from "./helpers.ts";

/**
 * Posts `texts` over HTTP in order, from as many writers (named `name`) as the per-user rate
 * limit needs; returns the first writer's token, and the seqs in order.
 */
async function post(
	chatId: string,
	texts: string[],
	name = "Writer",
): Promise<{ token: string; seqs: number[] }> {
	const perWriter = 20;
	const tokens = await Promise.all(
		Array.from({ length: Math.ceil(texts.length / perWriter) }, (_, index) =>
			api.issueToken(chatId, { name: `${name} ${index + 1}` }).then((issued) => issued.token),
		),
	);
	const seqs: number[] = [];
	for (const [index, text] of texts.entries()) {
		const message = await api.postMessage(chatId, tokens[Math.floor(index / perWriter)] ?? "", text);
		seqs.push(message.seq);
	}
	return { token: tokens[0] ?? "", seqs };
}

function filler(prefix: string, count: number): string[] {
	return Array.from({ length: count }, (_, index) => `${prefix} ${String(index + 1).padStart(2, "0")}`);
}

function contextLog(page: Page) {
	return page.getByRole("log", { name: "Messages in context" });
}

function isInView(element: Element): boolean {
	const box = element.getBoundingClientRect();
	const scroller = element.closest(".scroller")?.getBoundingClientRect();
	return scroller !== undefined && box.top >= scroller.top - 1 && box.bottom <= scroller.bottom + 1;
}

/** The settled message with exactly this text, in the list the page shows now. */
function item(page: Page, text: string) {
	return page
		.locator(".scroller li[data-seq]:visible")
		.filter({ has: page.locator(".text", { hasText: new RegExp(`^${escapeRegExp(text)}$`) }) });
}

describe("search and replies", () => {
	it("finds a message typed earlier with the word marked, shows it in its context, and Back to live returns", async () => {
		const chat = await createChat({ name: unique("Search") });
		await post(chat.id, [
			...filler("before", 10),
			"Meet me at the HARBOUR café at six",
			...filler("after", 60),
		]);
		const context = await newContext();
		const page = await context.newPage();
		await joinRoom(page, `/c/${chat.id}`, "Reader");
		await waitForMessage(page, "after 60");
		// Only the newest page is shown: the message is not on the page.
		expect(await item(page, "Meet me at the HARBOUR café at six").count()).toBe(0);

		const box = page.getByRole("searchbox", { name: "Search messages" });
		// Typing searches after a short pause, as the person types: any case, the last word a prefix.
		await box.pressSequentially("harb");
		const results = page.getByRole("region", { name: "Search results" });
		const result = results.getByRole("button", { name: /Meet me at the HARBOUR café at six/ });
		await result.waitFor();
		expect(await results.locator("mark").allTextContents()).toEqual(["HARBOUR"]);
		await results.getByText("1 message found for “harb”.").waitFor();
		// Escape clears the box and the results; Enter searches at once.
		await box.press("Escape");
		await results.waitFor({ state: "hidden" });
		expect(await box.inputValue()).toBe("");
		await box.fill("cafe");
		await box.press("Enter");
		await result.waitFor();
		expect(await results.locator("mark").allTextContents()).toEqual(["café"]);

		const writer = await connectClient(chat.id, "Newcomer");
		await result.click();
		const around = contextLog(page);
		const marked = around.locator("li.marked");
		await marked.waitFor();
		expect(await marked.locator(".text").textContent()).toBe("Meet me at the HARBOUR café at six");
		expect(await marked.evaluate(isInView)).toBe(true);
		// Among the messages before it (and after), in order.
		const texts = await around.locator("li[data-seq] .text").allTextContents();
		expect(texts.indexOf("before 10")).toBe(texts.indexOf("Meet me at the HARBOUR café at six") - 1);
		expect(texts).toContain("before 01");
		expect(texts).toContain("after 01");
		// The live list stepped aside.
		expect(await page.getByRole("log", { name: "Messages", exact: true }).count()).toBe(0);

		// What arrives meanwhile is kept for the live conversation.
		writer.send("said while you were reading");
		await expect.poll(() => writer.pending.length).toBe(0);
		await page.getByRole("button", { name: "Back to live", exact: true }).click();
		await around.waitFor({ state: "hidden" });
		await waitForMessage(page, "said while you were reading");
		// The keyboard goes on from the message box.
		expect(
			await page.getByLabel("Message", { exact: true }).evaluate((box) => box === document.activeElement),
		).toBe(true);
		await expect.poll(() => item(page, "said while you were reading").evaluate(isInView)).toBe(true);
		writer.close();
		await context.close();
	});

	it("replies with a quote the other person sees, which loads and marks an original no longer on the page", async () => {
		const chat = await createChat({ name: unique("Replies") });
		const { token: writerToken, seqs } = await post(chat.id, [
			"When is the tide highest tomorrow?",
			...filler("chatter", 60),
		]);
		const { aliceContext, bobContext, alice, bob } = await aliceAndBobJoin(chat);
		await waitForMessage(alice, "chatter 60");

		// Reply on a message shown: the composer says what it answers; Escape (or Cancel reply) takes it back.
		const draft = alice.locator(".reply-draft");
		await item(alice, "chatter 60").getByRole("button", { name: "Reply", exact: true }).click();
		expect(await draft.locator(".reply-line").textContent()).toMatch(/^Replying to Writer \d: chatter 60$/);
		await alice.getByLabel("Message", { exact: true }).press("Escape");
		await draft.waitFor({ state: "hidden" });
		await item(alice, "chatter 59").getByRole("button", { name: "Reply", exact: true }).click();
		await alice.getByRole("button", { name: "Cancel reply", exact: true }).click();
		await draft.waitFor({ state: "hidden" });

		// A reply to a message on the page: its quote goes to it and marks it.
		await item(alice, "chatter 58").getByRole("button", { name: "Reply", exact: true }).click();
		await sendFromPage(alice, "yes, fifty-eight");
		await waitForMessage(alice, "yes, fifty-eight");
		await item(alice, "yes, fifty-eight").locator(".reply-quote").click();
		await alice.locator("li.marked").filter({ hasText: "chatter 58" }).waitFor();
		expect(await contextLog(alice).count()).toBe(0);

		// A reply to the first message, found by searching and answered from its context.
		await alice.getByRole("searchbox", { name: "Search messages" }).fill("tide");
		await alice.getByRole("button", { name: /When is the tide highest tomorrow\?/ }).click();
		const original = contextLog(alice).locator("li.marked");
		await original.waitFor();
		await original.getByRole("button", { name: "Reply", exact: true }).click();
		expect(await draft.textContent()).toContain("Replying to Writer 1: When is the tide highest tomorrow?");
		await sendFromPage(alice, "At 14:20, I checked");
		// Sending returns to the live conversation.
		await waitForMessage(alice, "At 14:20, I checked");
		await contextLog(alice).waitFor({ state: "hidden" });

		await waitForMessage(bob, "At 14:20, I checked");
		const quote = item(bob, "At 14:20, I checked").locator(".reply-quote");
		expect(await quote.textContent()).toBe("In reply to Writer 1: When is the tide highest tomorrow?");
		await quote.click();
		const shown = contextLog(bob).locator("li.marked");
		await shown.waitFor();
		expect(await shown.locator(".text").textContent()).toBe("When is the tide highest tomorrow?");
		expect(await shown.evaluate(isInView)).toBe(true);
		expect(await shown.getAttribute("data-seq")).toBe(String(seqs[0]));

		// The original is deleted: every quote of it says so, live, in both views.
		await api.deleteMessage(chat.id, writerToken, seqs[0] ?? 0);
		await shown.locator(".text", { hasText: "Message deleted" }).waitFor();
		const aliceQuote = item(alice, "At 14:20, I checked").locator(".reply-quote .reply-text");
		await aliceQuote.filter({ hasText: /^deleted message$/ }).waitFor();
		await bob.getByRole("button", { name: "Back to live", exact: true }).click();
		await quote.locator(".reply-text", { hasText: /^deleted message$/ }).waitFor();
		// The quote of the other reply is untouched.
		expect(await item(alice, "yes, fifty-eight").locator(".reply-text").textContent()).toBe("chatter 58");
		await aliceContext.close();
		await bobContext.close();
	});
});
