import { describe, expect, it } from "vitest";
import {
	aliceAndBobIn,
	connectClient,
	createChat,
	dialog,
	joinRoom,
	messageLog,
	newContext,
	sendFromPage,
	unique,
	waitForMessage,
} from "./helpers.ts";

describe("people in a room", () => {
	it("shows that you are typing at once when you start the next message right after sending", async () => {
		const chat = await createChat({ name: unique("Quick typist") });
		const aliceContext = await newContext();
		const bobContext = await newContext();
		const alice = await aliceContext.newPage();
		const bob = await bobContext.newPage();
		// What Alice's page puts on its socket: the client's part, whatever the room does with it.
		const sent: string[] = [];
		alice.on("websocket", (socket) =>
			socket.on("framesent", ({ payload }) => {
				if (typeof payload === "string" && payload.startsWith("{")) sent.push(JSON.parse(payload).type);
			}),
		);
		await joinRoom(alice, `/c/${chat.id}`, "Alice");
		await joinRoom(bob, `/c/${chat.id}`, "Bob");
		const box = alice.getByLabel("Message", { exact: true });
		await box.pressSequentially("first");
		await bob.getByText("Alice is typing…").waitFor();
		await alice.getByRole("button", { name: "Send", exact: true }).click();
		await waitForMessage(bob, "first");
		await bob.getByText("Alice is typing…").waitFor({ state: "hidden" });

		// Well within the 2 s throttle of typing notices: sending ended the last notice.
		await box.pressSequentially("sec");
		await expect.poll(() => sent.slice(sent.lastIndexOf("send"))).toEqual(["send", "typing"]);
		await bob.getByText("Alice is typing…").waitFor({ timeout: 1000 });
		await aliceContext.close();
		await bobContext.close();
	});

	it("lets a person change their name: everyone's online list shows it at once, the identity stays", async () => {
		const { aliceContext, bobContext, alice, bob } = await aliceAndBobIn("Renaming");
		const bobsList = bob.getByRole("region", { name: /Online/ });
		await bobsList.getByText("Alice").waitFor();
		const idBefore = await bobsList.locator("li", { hasText: "Alice" }).getAttribute("data-user");

		await alice.getByRole("button", { name: "Change name", exact: true }).click();
		await dialog(alice).getByLabel("New name", { exact: true }).fill("Alicia");
		await dialog(alice).getByRole("button", { name: "Save", exact: true }).click();
		await bobsList.getByText("Alicia").waitFor({ timeout: 5000 });
		expect(await bobsList.getByText("Alice", { exact: true }).count()).toBe(0);
		expect(await bobsList.locator("li", { hasText: "Alicia" }).getAttribute("data-user")).toBe(idBefore);
		await alice
			.getByRole("region", { name: /Online/ })
			.getByText("Alicia")
			.waitFor();

		await sendFromPage(alice, "new name, same person");
		await waitForMessage(bob, "new name, same person");
		const last = messageLog(bob).locator("li[data-seq]").last();
		expect(await last.getAttribute("data-user")).toBe(idBefore);
		expect(
			await last
				.locator(".author")
				.first()
				.evaluate((author) => author.firstChild?.textContent),
		).toBe("Alicia");
		await aliceContext.close();
		await bobContext.close();
	});

	it("lets a person leave the chat: the others see them go", async () => {
		const { aliceContext, bobContext, alice, bob } = await aliceAndBobIn("Leaving");
		const bobsList = bob.getByRole("region", { name: /Online/ });
		await bobsList.getByText("Alice").waitFor();
		await alice.getByRole("button", { name: "Leave chat", exact: true }).click();
		await alice.getByText("You left the chat.", { exact: false }).waitFor();
		await alice.getByRole("button", { name: "Join", exact: true }).waitFor();
		await bobsList.getByText("Alice").waitFor({ state: "detached" });
		await aliceContext.close();
		await bobContext.close();
	});

	it("gives each person one colour everywhere and tells apart two people with the same name", async () => {
		const chat = await createChat({ name: unique("Two Sams") });
		const first = await connectClient(chat.id, "Sam");
		const second = await connectClient(chat.id, "Sam");
		first.send("I am the first Sam");
		await expect.poll(() => first.pending.length).toBe(0);
		second.send("I am the other Sam");
		await expect.poll(() => second.pending.length).toBe(0);

		const context = await newContext();
		const page = await context.newPage();
		await joinRoom(page, `/c/${chat.id}`, "Reader");
		await waitForMessage(page, "I am the other Sam");
		const authors = messageLog(page).locator("li[data-seq] .author");
		const shown = await authors.allInnerTexts();
		expect(shown).toHaveLength(2);
		expect(shown[0]).not.toBe(shown[1]);
		expect(shown[0]).toMatch(/^Sam #\w{4}$/);

		// The same colour for the same person in the log and in the online list, another for the other Sam.
		// Found and read in one task of the page: the online list is redrawn on every presence frame,
		// and an element read after it was replaced has no computed style.
		const colour = async (selector: string, userId: string) =>
			(
				await page.waitForFunction(
					([css, id]) => {
						const element = document.querySelector(`${css}[data-user="${id}"]`);
						return element ? getComputedStyle(element).color : false;
					},
					[selector, userId] as const,
				)
			).jsonValue();
		const firstId = first.user?.id ?? "";
		const secondId = second.user?.id ?? "";
		expect(await colour("[role=log] .author", firstId)).toBe(await colour(".online .person", firstId));
		expect(await colour("[role=log] .author", secondId)).toBe(await colour(".online .person", secondId));
		expect(await colour("[role=log] .author", firstId)).not.toBe(
			await colour("[role=log] .author", secondId),
		);
		first.close();
		second.close();
		await context.close();
	});
});
