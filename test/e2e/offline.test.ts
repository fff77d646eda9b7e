import type { WebSocketRoute } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
	aliceAndBobIn,
	api,
	connectClient,
	createChat,
	joinRoom,
	messageLog,
	newContext,
	sendFromPage,
	settledTexts,
	unique,
	waitForMessage,
	waitForState,
} from "./helpers.ts";

/** Time for any re-send or duplicate to show up if the client were going to produce one. */
const settleMs = 1500;

describe("losing the connection", () => {
	it("catches up on everything missed while offline, once each and in order, and delivers what was typed offline once", async () => {
		const { chat, aliceContext, bobContext, alice, bob } = await aliceAndBobIn("Offline");
		await sendFromPage(alice, "before the cut");
		await waitForMessage(bob, "before the cut");

		// Bob's network goes away.
		await bobContext.setOffline(true);
		await waitForState(bob, "offline");
		const missed = ["missed 1", "missed 2", "missed 3", "missed 4", "missed 5"];
		for (const text of missed) {
			await sendFromPage(alice, text);
			await waitForMessage(alice, text);
		}
		// He writes anyway; it waits, visibly pending.
		await sendFromPage(bob, "written offline");
		await messageLog(bob).locator("li.pending").getByText("written offline").waitFor();
		expect(await settledTexts(bob)).toEqual(["before the cut"]);

		// Back online: the room resumes from the last message he saw.
		await bobContext.setOffline(false);
		await waitForState(bob, "live");
		await waitForMessage(bob, "written offline");
		await waitForMessage(alice, "written offline");
		await new Promise((done) => setTimeout(done, settleMs));

		const expected = ["before the cut", ...missed, "written offline"];
		expect(await settledTexts(bob)).toEqual(expected);
		expect(await settledTexts(alice)).toEqual(expected);
		expect(await messageLog(bob).locator("li.pending").count()).toBe(0);
		const { messages } = await api.history(chat.id);
		expect(messages.map((message) => message.text)).toEqual(expected);
		await aliceContext.close();
		await bobContext.close();
	});

	it("reconnects by itself when the socket is cut, and resumes without gaps or repeats", async () => {
		const chat = await createChat({ name: unique("Socket cut") });
		const context = await newContext();
		const page = await context.newPage();
		// Every socket of the page goes through this route to the real server, so the test can cut
		// the live one and refuse new ones for a while, as a failing network would.
		let refuse = false;
		const sockets: WebSocketRoute[] = [];
		await page.routeWebSocket(/\/api\/chats\/.*\/ws/, (socket) => {
			if (refuse) {
				socket.close({ code: 1011, reason: "network down" });
				return;
			}
			socket.connectToServer();
			sockets.push(socket);
		});
		await joinRoom(page, `/c/${chat.id}`, "Reader");
		const writer = await connectClient(chat.id, "Writer");
		writer.send("one");
		await waitForMessage(page, "one");

		refuse = true;
		await sockets.at(-1)?.close({ code: 1006, reason: "cut" });
		await waitForState(page, "reconnecting");
		for (const text of ["two", "three", "four"]) writer.send(text);
		await expect.poll(() => writer.pending.length, { timeout: 5000 }).toBe(0);
		expect(await settledTexts(page)).toEqual(["one"]);

		refuse = false;
		await waitForState(page, "live");
		await waitForMessage(page, "four");
		writer.send("five");
		await waitForMessage(page, "five");
		await new Promise((done) => setTimeout(done, settleMs));
		expect(await settledTexts(page)).toEqual(["one", "two", "three", "four", "five"]);
		// Resumed, not restarted: the reconnecting socket asked for what came after "one".
		expect(sockets.length).toBeGreaterThanOrEqual(2);
		expect(new URL(sockets.at(-1)?.url() ?? "").searchParams.get("since")).toBe("1");
		writer.close();
		await context.close();
	});

	it("keeps what was written while the link was down across a reload, and sends it once afterwards", async () => {
		const chat = await createChat({ name: unique("Reload") });
		const context = await newContext();
		const page = await context.newPage();
		// The page's sockets go through this route: the link can fail while the page itself still loads.
		let refuse = false;
		const sockets: WebSocketRoute[] = [];
		await page.routeWebSocket(/\/api\/chats\/.*\/ws/, (socket) => {
			if (refuse) {
				socket.close({ code: 1011, reason: "network down" });
				return;
			}
			socket.connectToServer();
			sockets.push(socket);
		});
		await joinRoom(page, `/c/${chat.id}`, "Writer");
		refuse = true;
		await sockets.at(-1)?.close({ code: 1006, reason: "cut" });
		await waitForState(page, "reconnecting");
		await sendFromPage(page, "written before the reload");
		await messageLog(page).locator("li.pending").getByText("written before the reload").waitFor();
		const clientId = await messageLog(page).locator("li.pending").getAttribute("data-client-id");

		await page.reload();
		await page.getByLabel("Your name", { exact: true }).fill("Writer");
		await page.getByRole("button", { name: "Join", exact: true }).click();
		// Still there, still pending, before the link is back.
		await messageLog(page).locator("li.pending").getByText("written before the reload").waitFor();

		refuse = false;
		await waitForState(page, "live");
		await waitForMessage(page, "written before the reload");
		await new Promise((done) => setTimeout(done, settleMs));
		expect(await settledTexts(page)).toEqual(["written before the reload"]);
		expect(await messageLog(page).locator("li.pending").count()).toBe(0);
		const { messages } = await api.history(chat.id);
		expect(messages.map((message) => [message.text, message.clientId])).toEqual([
			["written before the reload", clientId],
		]);
		// Delivered: nothing is left to send after another reload.
		expect(
			await page.evaluate(() => Object.keys(localStorage).filter((key) => key.includes("outbox"))),
		).toEqual([]);
		await context.close();
	});
});
