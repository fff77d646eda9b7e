import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
	api,
	connectClient,
	createChat,
	joinRoom,
	messageLog,
	newContext,
	settledTexts,
	setVisibility,
	unique,
	waitForMessage,
} from "./helpers.ts";

/** Posts `count` messages over HTTP from as many writers as the per-user rate limit needs. */
async function seed(chatId: string, count: number, prefix = "seed"): Promise<string[]> {
	const perWriter = 20;
	const texts = Array.from(
		{ length: count },
		(_, index) => `${prefix} ${String(index + 1).padStart(4, "0")}`,
	);
	const writers = await Promise.all(
		Array.from({ length: Math.ceil(count / perWriter) }, (_, index) =>
			api.issueToken(chatId, { name: `writer ${index + 1}` }).then((issued) => issued.token),
		),
	);
	// In order, one at a time: the test relies on seq order matching text order.
	for (const [index, text] of texts.entries()) {
		await api.postMessage(chatId, writers[Math.floor(index / perWriter)] ?? "", text, `${prefix}-${index}`);
	}
	return texts;
}

function scrollToTop(page: Page): Promise<void> {
	return page.locator(".scroller").evaluate((scroller) => {
		scroller.scrollTop = 0;
	});
}

function atBottom(page: Page): Promise<boolean> {
	return page
		.locator(".scroller")
		.evaluate((scroller) => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80);
}

describe("the conversation", () => {
	it("groups one author's consecutive messages under one name and time, with the exact time on hover", async () => {
		const chat = await createChat({ name: unique("Grouping") });
		const sam = await connectClient(chat.id, "Sam");
		const ada = await connectClient(chat.id, "Ada");
		const lines: [typeof sam, string][] = [
			[sam, "first from Sam"],
			[sam, "second from Sam"],
			[sam, "third from Sam"],
			[ada, "Ada answers"],
			[sam, "Sam again"],
		];
		for (const [person, text] of lines) {
			person.send(text);
			await expect.poll(() => person.pending.length).toBe(0);
		}
		const context = await newContext();
		const page = await context.newPage();
		await joinRoom(page, `/c/${chat.id}`, "Reader");
		await waitForMessage(page, "Sam again");
		// The pointer is where the Join button was, over the list: move it away before looking.
		await page.mouse.move(0, 0);
		const items = messageLog(page).locator("li[data-seq]");
		expect(await items.evaluateAll((all) => all.map((item) => item.classList.contains("continued")))).toEqual(
			[false, true, true, false, false],
		);
		// The name shows once per group; grouped messages keep it for screen readers only.
		const shownAuthors = await items.evaluateAll((all) =>
			all
				.map((item) => item.querySelector(".author"))
				.filter((author) => author instanceof HTMLElement && author.offsetWidth > 1)
				.map((author) => author?.firstChild?.textContent),
		);
		expect(shownAuthors).toEqual(["Sam", "Ada", "Sam"]);
		// The time of a grouped message appears on hover, with the exact date and time as its title.
		const second = items.nth(1);
		const time = second.locator("time");
		expect(await time.evaluate((element) => getComputedStyle(element).opacity)).toBe("0");
		await second.hover();
		await expect.poll(() => time.evaluate((element) => getComputedStyle(element).opacity)).toBe("1");
		expect(await time.getAttribute("title")).toMatch(/\d{4}.*\d{2}:\d{2}:\d{2}/);
		// One day, one divider.
		expect(await messageLog(page).locator(".divider-day").allTextContents()).toEqual(["Today"]);
		sam.close();
		ada.close();
		await context.close();
	});

	it("labels the days: yesterday's messages seen the next day", async () => {
		const chat = await createChat({ name: unique("Days") });
		await seed(chat.id, 2, "day");
		const context = await newContext();
		const page = await context.newPage();
		// The reader's clock is a day ahead: the messages written just now are yesterday's.
		await page.clock.setFixedTime(Date.now() + 24 * 3600_000);
		await joinRoom(page, `/c/${chat.id}`, "Tomorrow");
		await waitForMessage(page, "day 0002");
		expect(await messageLog(page).locator(".divider-day").allTextContents()).toEqual(["Yesterday"]);
		await context.close();

		const later = await newContext();
		const laterPage = await later.newPage();
		await laterPage.clock.setFixedTime(Date.now() + 3 * 24 * 3600_000);
		await joinRoom(laterPage, `/c/${chat.id}`, "Later");
		await waitForMessage(laterPage, "day 0002");
		const label = await messageLog(laterPage).locator(".divider-day").allTextContents();
		expect(label).toEqual([
			new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" }).format(),
		]);
		await later.close();
	});

	it("offers a New messages button with their count to a reader scrolled up, and marks the first unread", async () => {
		const chat = await createChat({ name: unique("Scrolled up") });
		await seed(chat.id, 40);
		const context = await newContext();
		const page = await context.newPage();
		await joinRoom(page, `/c/${chat.id}`, "Reader");
		await waitForMessage(page, "seed 0040");
		const writer = await connectClient(chat.id, "Writer");
		const jump = page.getByRole("button", { name: /^New messages/ });

		// At the bottom, the list follows and nothing is counted.
		writer.send("while at the bottom");
		await waitForMessage(page, "while at the bottom");
		expect(await atBottom(page)).toBe(true);
		expect(await jump.isVisible()).toBe(false);

		await scrollToTop(page);
		for (const text of ["unread one", "unread two", "unread three"]) {
			writer.send(text);
			await waitForMessage(page, text);
		}
		await jump.waitFor();
		expect(await jump.textContent()).toBe("New messages 3");
		expect(await atBottom(page)).toBe(false);
		const firstUnread = messageLog(page).locator("li.first-unread");
		expect(await firstUnread.locator(".text").textContent()).toBe("unread one");
		expect(await firstUnread.locator(".divider-unread").textContent()).toBe("Unread messages");

		await jump.click();
		await jump.waitFor({ state: "hidden" });
		await expect.poll(() => firstUnread.evaluate(isInView)).toBe(true);
		writer.close();
		await context.close();
	});

	it("counts unread messages in the title while the tab is hidden, and clears it on return", async () => {
		const chat = await createChat({ name: unique("Team standup") });
		const context = await newContext();
		const page = await context.newPage();
		await joinRoom(page, `/c/${chat.id}`, "Reader");
		const writer = await connectClient(chat.id, "Writer");
		const title = `${chat.name} · edgechat`;
		expect(await page.title()).toBe(title);

		// The person switches to another tab (played by setVisibility: headless Chromium shows every tab).
		await setVisibility(page, "hidden");
		for (const text of ["one", "two", "three"]) {
			writer.send(text);
			await waitForMessage(page, text);
		}
		expect(await page.title()).toBe(`(3) ${title}`);

		await setVisibility(page, "visible");
		await expect.poll(() => page.title()).toBe(title);
		writer.close();
		await context.close();
	});

	it("keeps the page bounded in a long session: the oldest messages leave it and Load older brings them back", async () => {
		const chat = await createChat({ name: unique("Long session") });
		const context = await newContext();
		const page = await context.newPage();
		await joinRoom(page, `/c/${chat.id}`, "Stayer");
		const texts = await seed(chat.id, 1030, "long");
		await waitForMessage(page, "long 1030");
		const settled = messageLog(page).locator("li[data-seq]");
		expect(await settled.count()).toBe(1000);
		expect(await settled.first().locator(".text").textContent()).toBe("long 0031");

		const loadOlder = page.getByRole("button", { name: "Load older", exact: true });
		await loadOlder.click();
		await waitForMessage(page, "long 0001");
		expect(await settledTexts(page)).toEqual(texts);
		await context.close();
	}, 180_000);
});

function isInView(element: Element): boolean {
	const box = element.getBoundingClientRect();
	const scroller = element.closest(".scroller")?.getBoundingClientRect();
	return scroller !== undefined && box.top >= scroller.top - 1 && box.top < scroller.bottom;
}
