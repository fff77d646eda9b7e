import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, inject } from "vitest";
import { ChatApi, ChatClient, type ChatClientOptions } from "../../web/client/index.ts";
import type { CreateChatRequest, CreatedChat } from "../../worker/protocol/index.ts";

export const baseUrl = inject("baseUrl");
export const api = new ChatApi({ baseUrl });

/** Every wait in the browser ends; a test that needs longer says so. */
export const uiTimeoutMs = 15_000;

/**
 * Where screenshots go: under dist/ (ignored by git), so a test run leaves the checkout clean.
 * `npm run screenshots` points this at docs/screenshots to refresh the committed ones.
 */
export const screenshotDir = resolve(
	import.meta.dirname,
	"../..",
	process.env.EDGECHAT_SCREENSHOT_DIR ?? "dist/screenshots",
);

/**
 * Debian's Chromium (`test/e2e/ensure-chromium.sh` installs it); Playwright's own browser
 * downloads cannot work here. `launch()` gives every run a fresh temporary profile.
 */
function launchChromium(): Promise<Browser> {
	return chromium.launch({
		executablePath: "/usr/bin/chromium",
		headless: true,
		timeout: 30_000,
		args: [
			"--headless",
			"--no-sandbox",
			"--disable-gpu",
			"--disable-background-networking",
			"--disable-quic",
			"--no-first-run",
			"--disable-component-update",
			"--disable-sync",
		],
	});
}

let browser: Promise<Browser> | undefined;

// One browser per test file: started by the file's first context, closed when its tests end.
afterAll(async () => {
	await (await browser)?.close();
	browser = undefined;
});

export interface ContextOptions {
	colorScheme?: "light" | "dark";
	viewport?: { width: number; height: number };
	/** Another context's storage (`context.storageState()`): the same person, in a new window. */
	storageState?: Awaited<ReturnType<BrowserContext["storageState"]>>;
	/** Lets the test inject scripts of its own (axe-core), which the pages' policy forbids. */
	bypassCSP?: boolean;
}

export async function newContext(options: ContextOptions = {}): Promise<BrowserContext> {
	browser ??= launchChromium();
	const context = await (await browser).newContext({
		...(options.storageState ? { storageState: options.storageState } : {}),
		...(options.bypassCSP ? { bypassCSP: true } : {}),
		baseURL: baseUrl,
		colorScheme: options.colorScheme ?? "light",
		viewport: options.viewport ?? { width: 1100, height: 720 },
		locale: "en-GB",
		timezoneId: "UTC",
	});
	context.setDefaultTimeout(uiTimeoutMs);
	return context;
}

/** A name no other test (or earlier run against the same server) uses. */
export function unique(prefix: string): string {
	return `${prefix} ${Math.random().toString(36).slice(2, 7)}`;
}

export function createChat(request: CreateChatRequest): Promise<CreatedChat> {
	return api.createChat(request);
}

/** Alice and Bob, each in a browser context of their own, live in a new chat. */
export async function aliceAndBobIn(chatName: string) {
	return aliceAndBobJoin(await createChat({ name: unique(chatName) }));
}

/** Alice and Bob, each in a browser context of their own, live in `chat`. */
export async function aliceAndBobJoin<Chat extends { id: string }>(chat: Chat) {
	const aliceContext = await newContext();
	const bobContext = await newContext();
	const alice = await aliceContext.newPage();
	const bob = await bobContext.newPage();
	await joinRoom(alice, `/c/${chat.id}`, "Alice");
	await joinRoom(bob, `/c/${chat.id}`, "Bob");
	return { chat, aliceContext, bobContext, alice, bob };
}

/** Opens a room page, picks a name and waits until the connection is live. */
export async function joinRoom(page: Page, path: string, name: string): Promise<void> {
	await page.goto(path);
	await page.getByLabel("Your name", { exact: true }).fill(name);
	await page.getByRole("button", { name: "Join", exact: true }).click();
	await waitForState(page, "live");
}

export async function waitForState(page: Page, state: string): Promise<void> {
	await page.locator(`.status[data-state="${state}"]`).waitFor({ state: "visible" });
}

export function messageLog(page: Page): Locator {
	return page.getByRole("log", { name: "Messages" });
}

/** The text of every settled message (pending ones excluded), top to bottom. */
export function settledTexts(page: Page): Promise<string[]> {
	return messageLog(page).locator("li[data-seq] .text").allTextContents();
}

/** Sends through the composer exactly as a person does: type, then press the Send button. */
export async function sendFromPage(page: Page, text: string): Promise<void> {
	await page.getByLabel("Message", { exact: true }).fill(text);
	await page.getByRole("button", { name: "Send", exact: true }).click();
}

/** Resolves once `page` shows a settled message with exactly this text. */
export async function waitForMessage(page: Page, text: string): Promise<void> {
	await messageLog(page)
		.locator("li[data-seq] .text")
		.filter({ hasText: new RegExp(`^${escapeRegExp(text)}$`) })
		.first()
		.waitFor();
}

export function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A ChatClient in Node (a bot, or a second person), connected and live. */
export async function connectClient(
	chatId: string,
	name: string,
	options: Partial<ChatClientOptions> = {},
): Promise<ChatClient> {
	const client = new ChatClient({ baseUrl, chatId, name, ...options });
	await withTimeout(client.connect(), uiTimeoutMs, `${name} connecting`);
	return client;
}

/** Checks `condition` every 25 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function until(
	condition: () => boolean | Promise<boolean>,
	what: string,
	timeoutMs = 10_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((done) => setTimeout(done, 25));
	}
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

export async function screenshot(page: Page, name: string): Promise<void> {
	mkdirSync(screenshotDir, { recursive: true });
	await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

/** The dialog the page opened (modal: the rest of the page is inert while it is open). */
export function dialog(page: Page): Locator {
	return page.getByRole("dialog");
}

/**
 * The person switches to another tab, or back. Headless Chromium shows every tab (bringing
 * another to the front or minimising the window leaves this one "visible"), so the test plays
 * the browser's part: the page sees this visibilityState and a visibilitychange event.
 */
export function setVisibility(page: Page, state: DocumentVisibilityState): Promise<void> {
	return page.evaluate((visibility) => {
		Object.defineProperty(document, "visibilityState", { configurable: true, get: () => visibility });
		Object.defineProperty(document, "hidden", { configurable: true, get: () => visibility === "hidden" });
		document.dispatchEvent(new Event("visibilitychange"));
	}, state);
}
