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

describe("running a chat", () => {
	it("lets a moderator mute and then ban someone, who sees both", async () => {
		const chat = await createChat({ name: unique("Moderated") });
		const owner = await connectClient(chat.id, "Olga", { key: chat.ownerKey });
		const modContext = await newContext();
		const bobContext = await newContext();
		const mod = await modContext.newPage();
		const bob = await bobContext.newPage();
		await joinRoom(mod, `/c/${chat.id}`, "Mia");
		const mia = owner.online.find((user) => user.name === "Mia") ?? (await waitForUser(owner, "Mia"));
		await owner.setModerator(mia.id, true);
		// The new role counts at once; the page learns it on its next join.
		await joinRoom(mod, `/c/${chat.id}`, "Mia");
		await joinRoom(bob, `/c/${chat.id}`, "Bob");
		await sendFromPage(bob, "spam spam spam");
		await waitForMessage(mod, "spam spam spam");

		const bobsMessage = messageLog(mod).locator("li[data-seq]").filter({ hasText: "spam spam spam" });
		await bobsMessage.getByLabel("Moderate Bob").click();
		await bobsMessage.getByRole("button", { name: "Mute", exact: true }).click();
		// The note is part of the conversation, for everyone in it.
		await messageLog(bob)
			.getByText(/Bob was muted .* by Mia/)
			.waitFor();
		await messageLog(mod)
			.getByText(/Bob was muted .* by Mia/)
			.waitFor();
		await sendFromPage(bob, "let me talk");
		await messageLog(bob)
			.getByText(/Not sent: You are muted/)
			.waitFor();

		await bobsMessage.getByRole("button", { name: "Ban", exact: true }).click();
		await bob.getByText(/You are banned from this chat/).waitFor();
		await modContext.close();
		await bobContext.close();
		owner.close();
	});

	it("brings an edit and a reaction to the other person", async () => {
		const chat = await createChat({ name: unique("Edits") });
		const aliceContext = await newContext();
		const bobContext = await newContext();
		const alice = await aliceContext.newPage();
		const bob = await bobContext.newPage();
		await joinRoom(alice, `/c/${chat.id}`, "Alice");
		await joinRoom(bob, `/c/${chat.id}`, "Bob");
		await sendFromPage(alice, "helo everyone");
		await waitForMessage(bob, "helo everyone");

		// The Up arrow in an empty composer edits one's last message.
		await alice.getByLabel("Message", { exact: true }).press("ArrowUp");
		await alice.getByLabel("Edit message").fill("hello everyone");
		await alice.getByRole("button", { name: "Save", exact: true }).click();
		await waitForMessage(bob, "hello everyone");
		const onBob = messageLog(bob).locator("li[data-seq]").filter({ hasText: "hello everyone" });
		await onBob.getByText("edited", { exact: true }).waitFor();

		await onBob.getByRole("button", { name: "React", exact: true }).click();
		await onBob.getByRole("button", { name: "React with 👍" }).click();
		const onAlice = messageLog(alice).locator("li[data-seq]").filter({ hasText: "hello everyone" });
		await onAlice.getByRole("button", { name: /👍 1/ }).waitFor();
		expect(await onAlice.getByRole("button", { name: "Edit", exact: true }).count()).toBe(1);
		expect(await onBob.getByRole("button", { name: "Edit", exact: true }).count()).toBe(0);
		await aliceContext.close();
		await bobContext.close();
	});

	it("lets anyone delete their own message, after confirming in the dialog", async () => {
		const { aliceContext, bobContext, alice, bob } = await aliceAndBobIn("Own deletes");
		await sendFromPage(alice, "sent too soon");
		await waitForMessage(bob, "sent too soon");
		// Nobody else's message offers Delete to a member.
		expect(await bob.getByRole("button", { name: "Delete", exact: true }).count()).toBe(0);
		const own = messageLog(alice).locator("li[data-seq]").filter({ hasText: "sent too soon" });
		await own.getByRole("button", { name: "Delete", exact: true }).click();
		await dialog(alice)
			.getByText("“sent too soon” will be removed for everyone.", { exact: false })
			.waitFor();
		await dialog(alice).getByRole("button", { name: "Delete", exact: true }).click();
		for (const page of [alice, bob]) await messageLog(page).getByText("Message deleted").waitFor();
		expect(await own.getByRole("button", { name: "Edit", exact: true }).count()).toBe(0);
		await aliceContext.close();
		await bobContext.close();
	});

	it("renames the chat for everyone from the owner's Chat settings", async () => {
		const chat = await createChat({ name: unique("Before") });
		const ownerContext = await newContext();
		const guestContext = await newContext();
		const owner = await ownerContext.newPage();
		const guest = await guestContext.newPage();
		await joinRoom(owner, `/c/${chat.id}?key=${chat.ownerKey}`, "Olga");
		await joinRoom(guest, `/c/${chat.id}`, "Gus");
		const renamed = unique("After");
		await owner.getByText("Chat settings", { exact: true }).click();
		await owner.getByLabel("Chat name", { exact: true }).fill(renamed);
		await owner.getByRole("button", { name: "Save settings", exact: true }).click();
		for (const page of [owner, guest]) {
			await page.getByRole("heading", { level: 1, name: renamed, exact: true }).waitFor();
			await expect.poll(() => page.title()).toBe(`${renamed} · edgechat`);
		}
		await ownerContext.close();
		await guestContext.close();
	});

	it("lets the owner rotate the invite link: the old link stops working", async () => {
		const chat = await createChat({ name: unique("Rotated"), visibility: "private" });
		const ownerContext = await newContext();
		const owner = await ownerContext.newPage();
		await joinRoom(owner, `/c/${chat.id}#key=${chat.ownerKey}`, "Olga");
		await owner.getByText("Chat settings", { exact: true }).click();
		await owner.getByRole("button", { name: "Rotate invite link", exact: true }).click();
		const field = owner.getByLabel("New invite link", { exact: true });
		await field.waitFor();
		const newLink = await field.inputValue();
		expect(newLink).not.toContain(chat.inviteKey ?? "missing");

		const guestContext = await newContext();
		const guest = await guestContext.newPage();
		await guest.goto(`/c/${chat.id}#key=${chat.inviteKey}`);
		await guest.getByRole("heading", { name: "Chat not found" }).waitFor();
		const path = new URL(newLink).pathname + new URL(newLink).hash;
		// A new page: going to the same path with another fragment would not load it again.
		await joinRoom(await guestContext.newPage(), path, "Gus");
		await ownerContext.close();
		await guestContext.close();
	});
});

async function waitForUser(client: Awaited<ReturnType<typeof connectClient>>, name: string) {
	return new Promise<{ id: string; name: string }>((resolve) => {
		const off = client.on("presence", ({ online }) => {
			const found = online.find((user) => user.name === name);
			if (found) {
				off?.();
				resolve(found);
			}
		});
	});
}
