import type { BrowserContext, Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { ChatClient, ClientMessage } from "../../web/client/index.ts";
import {
	aliceAndBobIn,
	baseUrl,
	connectClient,
	createChat,
	joinRoom,
	messageLog,
	newContext,
	setVisibility,
	unique,
	until,
	waitForMessage,
} from "./helpers.ts";

/** The settled message with exactly this text. */
function messageItem(page: Page, text: string): Locator {
	return messageLog(page)
		.locator("li[data-seq]")
		.filter({ has: page.locator(".text", { hasText: new RegExp(`^${text}$`) }) });
}

function picker(page: Page): Locator {
	return page.getByRole("listbox", { name: "People to mention" });
}

/** The names the open picker offers, top to bottom. */
function offered(page: Page): Promise<string[]> {
	return picker(page).getByRole("option").allTextContents();
}

function userIdIn(client: ChatClient, name: string): string {
	const user = client.online.find((person) => person.name === name);
	if (!user) throw new Error(`${name} is not online`);
	return user.id;
}

/** Every message the client delivers. */
function record(client: ChatClient): ClientMessage[] {
	const received: ClientMessage[] = [];
	client.on("message", ({ message }) => received.push(message));
	return received;
}

/**
 * Records the page's notifications and permission requests. Notification is the browser's, not
 * the app's: the page runs unchanged, and every call still reaches the real one.
 */
async function watchNotifications(context: BrowserContext): Promise<void> {
	await context.addInitScript(() => {
		const Real = window.Notification;
		const shown: { title: string; body: string; notification: Notification }[] = [];
		let asked = 0;
		class Watched extends Real {
			constructor(title: string, options?: NotificationOptions) {
				super(title, options);
				shown.push({ title, body: options?.body ?? "", notification: this });
			}
			static override requestPermission(): Promise<NotificationPermission> {
				asked += 1;
				return Real.requestPermission();
			}
		}
		Object.assign(window, { Notification: Watched, watched: { shown, asked: () => asked } });
	});
}

interface Watched {
	shown: { title: string; body: string; notification: Notification }[];
	asked: () => number;
}

function shownNotifications(page: Page): Promise<{ title: string; body: string }[]> {
	return page.evaluate(() =>
		(window as unknown as { watched: Watched }).watched.shown.map(({ title, body }) => ({ title, body })),
	);
}

function permissionRequests(page: Page): Promise<number> {
	return page.evaluate(() => (window as unknown as { watched: Watched }).watched.asked());
}

function notifyControl(page: Page): Locator {
	return page.getByRole("button", { name: "Notify me of mentions" });
}

describe("mentions in the room", () => {
	it("offers people with @, inserts the chosen @Name, and highlights the message for that person only", async () => {
		const { chat, aliceContext, bobContext, alice, bob } = await aliceAndBobIn("Mentions");
		// Dan wrote earlier and left: a recent author, no longer online.
		const dan = await connectClient(chat.id, "Dan");
		dan.send("hello from Dan");
		await waitForMessage(alice, "hello from Dan");
		dan.close();
		const bea = await connectClient(chat.id, "Béa");
		const atBea = record(bea);
		const people = alice.getByRole("region", { name: /Online/ });
		await people.getByText("Béa").waitFor();
		await people.getByText("Dan").waitFor({ state: "hidden" });
		const bobId = userIdIn(bea, "Bob");

		const box = alice.getByLabel("Message", { exact: true });
		await box.pressSequentially("hi @");
		// Online people by name, then the authors on the page; never Alice herself.
		await picker(alice).waitFor();
		expect(await offered(alice)).toEqual(["Béa", "Bob", "Dan"]);
		// Narrowed as the name is typed, whatever the case and accents.
		await box.pressSequentially("BE");
		await expect.poll(() => offered(alice)).toEqual(["Béa"]);
		await box.press("Backspace");
		await box.press("Backspace");
		await box.pressSequentially("b");
		await expect.poll(() => offered(alice)).toEqual(["Béa", "Bob"]);
		await box.press("ArrowDown");
		const active = await box.getAttribute("aria-activedescendant");
		expect(await picker(alice).getByRole("option", { selected: true }).getAttribute("id")).toBe(active);
		expect(await picker(alice).getByRole("option", { selected: true }).textContent()).toBe("Bob");
		await box.press("Enter");
		await picker(alice).waitFor({ state: "hidden" });
		expect(await box.inputValue()).toBe("hi @Bob ");
		expect(await box.getAttribute("aria-activedescendant")).toBeNull();
		await box.pressSequentially("look at this");
		await box.press("Enter");

		await waitForMessage(bob, "hi @Bob look at this");
		const atBob = messageItem(bob, "hi @Bob look at this");
		await expect.poll(() => atBob.getAttribute("class")).toContain("mentions-me");
		expect(await atBob.locator(".mention-marker").textContent()).toBe("Mentions you");
		await waitForMessage(alice, "hi @Bob look at this");
		expect(await messageItem(alice, "hi @Bob look at this").getAttribute("class")).not.toContain(
			"mentions-me",
		);
		await until(() => atBea.some((message) => message.text === "hi @Bob look at this"), "Béa's copy");
		const asBeaGotIt = atBea.find((message) => message.text === "hi @Bob look at this");
		expect(asBeaGotIt?.mentions).toEqual([bobId]);
		expect(asBeaGotIt).not.toHaveProperty("mentionsMe");
		expect(await messageLog(alice).locator(".mentions-me").count()).toBe(0);

		// Escape closes the picker for that @; a click chooses; a name taken out of the text is no mention.
		await box.pressSequentially("@d");
		await picker(alice).waitFor();
		await box.press("Escape");
		await picker(alice).waitFor({ state: "hidden" });
		await box.pressSequentially("an, and @b");
		await picker(alice).getByRole("option", { name: "Béa" }).click();
		expect(await box.inputValue()).toBe("@dan, and @Béa ");
		await expect.poll(() => box.evaluate((element) => element === document.activeElement)).toBe(true);
		await box.pressSequentially("@bo");
		await box.press("Tab");
		expect(await box.inputValue()).toBe("@dan, and @Béa @Bob ");
		await box.fill("@dan, and @Béa only");
		await box.press("Enter");
		await until(() => atBea.some((message) => message.text === "@dan, and @Béa only"), "the second message");
		const second = atBea.find((message) => message.text === "@dan, and @Béa only");
		expect(second).toMatchObject({ mentions: [userIdIn(bea, "Béa")], mentionsMe: true });
		await waitForMessage(bob, "@dan, and @Béa only");
		expect(await messageItem(bob, "@dan, and @Béa only").getAttribute("class")).not.toContain("mentions-me");
		bea.close();
		await aliceContext.close();
		await bobContext.close();
	});

	it("counts mentions apart in the hidden tab's title: (3, @1)", async () => {
		const chat = await createChat({ name: unique("Mention title") });
		const context = await newContext();
		const page = await context.newPage();
		await joinRoom(page, `/c/${chat.id}`, "Reader");
		const writer = await connectClient(chat.id, "Writer");
		await until(() => writer.online.some((person) => person.name === "Reader"), "the reader online");
		const readerId = userIdIn(writer, "Reader");
		const title = `${chat.name} · edgechat`;

		await setVisibility(page, "hidden");
		writer.send("one");
		await waitForMessage(page, "one");
		expect(await page.title()).toBe(`(1) ${title}`);
		writer.send("two, @Reader", { mentions: [readerId] });
		writer.send("three");
		await waitForMessage(page, "three");
		expect(await page.title()).toBe(`(3, @1) ${title}`);

		await setVisibility(page, "visible");
		await expect.poll(() => page.title()).toBe(title);
		writer.close();
		await context.close();
	});

	it("shows a notification of a mention while the tab is hidden, once allowed, and opens the chat at it", async () => {
		const chat = await createChat({ name: unique("Mention notes") });
		const context = await newContext();
		await context.grantPermissions(["notifications"], { origin: baseUrl });
		await watchNotifications(context);
		const page = await context.newPage();
		await joinRoom(page, `/c/${chat.id}`, "Reader");
		const writer = await connectClient(chat.id, "Writer");
		await until(() => writer.online.some((person) => person.name === "Reader"), "the reader online");
		const readerId = userIdIn(writer, "Reader");

		// Permitted for the site, but off until the person turns it on here.
		expect(await notifyControl(page).getAttribute("aria-pressed")).toBe("false");
		await notifyControl(page).click();
		await expect.poll(() => notifyControl(page).getAttribute("aria-pressed")).toBe("true");
		// Seen on the page already: no notification.
		writer.send("while you look, @Reader", { mentions: [readerId] });
		await waitForMessage(page, "while you look, @Reader");

		await setVisibility(page, "hidden");
		writer.send("nothing for you");
		writer.send("look here, @Reader", { mentions: [readerId] });
		// What follows pushes the mention out of sight.
		const later = Array.from({ length: 40 }, (_, index) => `line ${index + 1}`).join("\n");
		writer.send(later);
		await messageItem(page, "line 1[^]*line 40").waitFor();
		expect(await shownNotifications(page)).toEqual([
			{ title: `Writer mentioned you in ${chat.name}`, body: "look here, @Reader" },
		]);
		const mention = messageItem(page, "look here, @Reader");
		expect(await mention.evaluate(isInView)).toBe(false);

		await page.evaluate(() =>
			(window as unknown as { watched: Watched }).watched.shown[0]?.notification.dispatchEvent(
				new Event("click"),
			),
		);
		await expect.poll(() => mention.getAttribute("class")).toContain("marked");
		await expect.poll(() => mention.evaluate(isInView)).toBe(true);

		// Turned off in this browser: no more notifications.
		await notifyControl(page).click();
		await expect.poll(() => notifyControl(page).getAttribute("aria-pressed")).toBe("false");
		writer.send("again, @Reader", { mentions: [readerId] });
		await waitForMessage(page, "again, @Reader");
		expect(await shownNotifications(page)).toHaveLength(1);
		expect(await permissionRequests(page)).toBe(1);
		writer.close();
		await context.close();
	});

	it("never asks for notifications on load, only when the person presses the control", async () => {
		const chat = await createChat({ name: unique("No prompt") });
		const context = await newContext();
		await watchNotifications(context);
		const page = await context.newPage();
		await joinRoom(page, `/c/${chat.id}`, "Reader");
		const writer = await connectClient(chat.id, "Writer");
		await until(() => writer.online.some((person) => person.name === "Reader"), "the reader online");
		await setVisibility(page, "hidden");
		writer.send("a mention, @Reader", { mentions: [userIdIn(writer, "Reader")] });
		await waitForMessage(page, "a mention, @Reader");
		expect(await permissionRequests(page)).toBe(0);
		expect(await page.evaluate(() => Notification.permission)).toBe("default");
		expect(await shownNotifications(page)).toEqual([]);
		expect(await notifyControl(page).getAttribute("aria-pressed")).toBe("false");

		await setVisibility(page, "visible");
		await notifyControl(page).click();
		await expect.poll(() => permissionRequests(page)).toBe(1);
		writer.close();
		await context.close();
	});
});

/** Whether the message is within the visible part of the conversation. */
function isInView(element: Element): boolean {
	const box = element.getBoundingClientRect();
	const scroller = element.closest(".scroller")?.getBoundingClientRect();
	return scroller !== undefined && box.top >= scroller.top - 1 && box.bottom <= scroller.bottom + 1;
}
