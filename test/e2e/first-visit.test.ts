import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { IssuedToken } from "../../worker/protocol/index.ts";
import { api, createChat, joinRoom, newContext, sendFromPage, unique, waitForMessage } from "./helpers.ts";

/** The HTTP requests a page makes to the API (method and path) and the sockets it opens. */
function watchTraffic(page: Page): { requests: string[]; sockets: string[] } {
	const requests: string[] = [];
	const sockets: string[] = [];
	page.on("request", (request) => {
		const url = new URL(request.url());
		if (url.pathname.startsWith("/api/")) requests.push(`${request.method()} ${url.pathname}`);
	});
	page.on("websocket", (socket) => sockets.push(new URL(socket.url()).pathname));
	return { requests, sockets };
}

function storedToken(page: Page, chatId: string): Promise<IssuedToken | null> {
	return page.evaluate((id) => {
		const raw = localStorage.getItem(`edgechat:token:${id}`);
		return raw === null ? null : JSON.parse(raw);
	}, chatId);
}

describe("a first visit to a chat page", () => {
	it("joins with one upgrade and no token request, shows the room, and keeps the token it was given", async () => {
		const chat = await createChat({ name: unique("First visit") });
		const context = await newContext();
		const page = await context.newPage();
		const { requests, sockets } = watchTraffic(page);

		await joinRoom(page, `/c/${chat.id}`, "Nadia");
		await page
			.getByRole("region", { name: /Online/ })
			.getByText("Nadia")
			.waitFor();
		await sendFromPage(page, "hello on a first visit");
		await waitForMessage(page, "hello on a first visit");

		// The page looked the chat up, then joined with the socket alone.
		expect(requests).toEqual([`GET /api/chats/${chat.id}`]);
		expect(sockets).toEqual([`/api/chats/${chat.id}/ws`]);
		// The token `ready` brought is stored, and is the identity the message was posted with.
		const token = await storedToken(page, chat.id);
		expect(token?.user.name).toBe("Nadia");
		const { messages } = await api.history(chat.id);
		expect(messages.map((message) => message.user.id)).toEqual([token?.user.id]);

		// Coming back, the page joins with that token: the same person, still without a token request.
		await joinRoom(page, `/c/${chat.id}`, "Nadia");
		await sendFromPage(page, "back again");
		await waitForMessage(page, "back again");
		const again = await api.history(chat.id);
		expect(again.messages.map((message) => message.user.id)).toEqual([token?.user.id, token?.user.id]);
		expect(requests.filter((request) => request.endsWith("/tokens"))).toEqual([]);
		await context.close();
	});

	it("joins a private chat from its invite link in one upgrade too", async () => {
		const chat = await createChat({ name: unique("First visit private"), visibility: "private" });
		const context = await newContext();
		const page = await context.newPage();
		const { requests, sockets } = watchTraffic(page);
		await joinRoom(page, `/c/${chat.id}#key=${chat.inviteKey}`, "Ines");
		await page
			.getByRole("region", { name: /Online/ })
			.getByText("Ines")
			.waitFor();
		expect(requests).toEqual([`GET /api/chats/${chat.id}`]);
		expect(sockets).toHaveLength(1);
		expect((await storedToken(page, chat.id))?.user.role).toBe("member");
		await context.close();
	});
});
