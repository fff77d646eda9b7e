import { describe, it } from "vitest";
import {
	api,
	type ContextOptions,
	connectClient,
	createChat,
	joinRoom,
	newContext,
	screenshot,
	sendFromPage,
	waitForMessage,
} from "./helpers.ts";

/**
 * The README's pictures. `npm test` writes them under dist/screenshots; `npm run screenshots`
 * runs this file alone and writes them to docs/screenshots, the committed ones.
 */
describe("screenshots", () => {
	it("shows the lobby in light and dark", async () => {
		const busy = await api.createChat({ name: "Design review", owner: "Mira" });
		const quiet = await api.createChat({ name: "Weekend hikes", owner: "Jonas" });
		const people = await Promise.all([
			connectClient(busy.id, "Mira"),
			connectClient(busy.id, "Sam"),
			connectClient(busy.id, "Ada"),
			connectClient(quiet.id, "Jonas"),
		]);
		for (const scheme of ["light", "dark"] as const) {
			const context = await newContext({ colorScheme: scheme, viewport: { width: 1100, height: 760 } });
			const page = await context.newPage();
			await page.goto("/");
			await page.locator(`.chat-list li[data-chat="${busy.id}"]`).getByText("3 online").waitFor();
			await page.getByLabel("Chat name", { exact: true }).fill("Team standup");
			await page.getByRole("button", { name: "Create chat", exact: true }).click();
			await page.getByLabel("Link", { exact: true }).waitFor();
			await page.getByLabel("Chat name", { exact: true }).focus();
			await screenshot(page, `lobby-${scheme}`);
			await context.close();
		}
		for (const person of people) person.close();
	});

	it("shows the room in light, dark and on a phone", async () => {
		const chat = await createChat({ name: "Launch planning", owner: "Mira" });
		const sam = await connectClient(chat.id, "Sam");
		const ada = await connectClient(chat.id, "Ada");
		const lines: [typeof sam, string][] = [
			[sam, "Morning! The new header is up on staging: https://staging.example.com/header"],
			[sam, "It has the grouped messages and the day dividers."],
			[ada, "Looks clean. The contrast on the status pill is much better."],
			[ada, "And the online list finally uses the space on wide screens."],
			[sam, "Next up: the embed widget. Owners get a copy-paste snippet."],
		];
		for (const [person, text] of lines) {
			person.send(text);
			await new Promise((done) => setTimeout(done, 80));
		}
		const last = lines.at(-1)?.[1] ?? "";
		const shots = [
			{ name: "room-light", colorScheme: "light", viewport: { width: 1280, height: 680 } },
			{ name: "room-dark", colorScheme: "dark", viewport: { width: 1280, height: 680 } },
			{ name: "room-phone", colorScheme: "light", viewport: { width: 390, height: 760 } },
		] as const;
		// One Mira throughout: each window starts with the storage (and so the identity) of the first.
		let storageState: ContextOptions["storageState"];
		// The room passes on one typing notice per person per 1.5 s, the client sends one per 2 s:
		// each window's notice waits for what is left of that since the last one.
		let typedAt = Number.NEGATIVE_INFINITY;
		for (const [index, shot] of shots.entries()) {
			const context = await newContext({
				colorScheme: shot.colorScheme,
				viewport: shot.viewport,
				storageState,
			});
			const page = await context.newPage();
			await joinRoom(page, `/c/${chat.id}?key=${chat.ownerKey}`, "Mira");
			await waitForMessage(page, last);
			if (index === 0) await sendFromPage(page, "Great work, both of you. Shipping it today.");
			await waitForMessage(page, "Great work, both of you. Shipping it today.");
			await new Promise((done) => setTimeout(done, Math.max(0, typedAt + 2100 - Date.now())));
			ada.typing();
			typedAt = Date.now();
			await page.getByText("Ada is typing…").waitFor();
			await page.mouse.move(0, 0);
			await screenshot(page, shot.name);
			storageState = await context.storageState();
			await context.close();
		}
		sam.close();
		ada.close();
	});
});
