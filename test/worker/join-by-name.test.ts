import { describe, expect, it } from "vitest";
import type { CreatedChat, IssuedToken } from "../../worker/protocol";
import {
	api,
	aWholeWindow,
	call,
	createChat,
	expectError,
	joinToken,
	postJson,
	TestSocket,
	tokenFrom,
} from "./helpers";

/** The name's UTF-8 bytes in base64url, no padding: what `edgechat.name.` carries. */
const encodedName = (name: string) => Buffer.from(name, "utf8").toString("base64url");

/** An upgrade offering a name (and a key) instead of a token, as a browser's first visit would. */
function joinByName(
	chatId: string,
	name: string,
	options: { key?: string; address?: string; protocols?: string[] } = {},
): Promise<Response> {
	const protocols = options.protocols ?? [
		"edgechat.v1",
		`edgechat.name.${encodedName(name)}`,
		...(options.key === undefined ? [] : [`edgechat.key.${options.key}`]),
	];
	return api(`/api/chats/${chatId}/ws`, {
		headers: {
			Upgrade: "websocket",
			"Sec-WebSocket-Protocol": protocols.join(", "),
			...(options.address !== undefined && { "CF-Connecting-IP": options.address }),
		},
	});
}

async function joined(response: Response): Promise<TestSocket> {
	expect(response.status).toBe(101);
	// The answer names edgechat.v1 alone: never the name or the key offered beside it.
	expect(response.headers.get("Sec-WebSocket-Protocol")).toBe("edgechat.v1");
	if (!response.webSocket) throw new Error("no socket in the 101 response");
	const socket = new TestSocket(response.webSocket);
	await socket.next("ready");
	return socket;
}

/** The token request's refusal and the join's must be the same: status, code and words. */
async function sameRefusal(join: Response, token: Response): Promise<void> {
	expect(join.status).toBe(token.status);
	expect(await join.json()).toEqual(await token.json());
}

describe("a first visit in one request: the upgrade carries the name and key", () => {
	it("is greeted with `ready` carrying its token, whose user keeps their id on reconnect", async () => {
		const chat = await createChat();
		const socket = await joined(await joinByName(chat.id, "Zoë 🦊"));
		const ready = socket.of("ready")[0];
		const issued = ready?.token;
		expect(issued?.user).toEqual({ id: ready?.user.id, name: "Zoë 🦊", role: "member" });
		expect(issued?.expiresAt).toBeGreaterThan(Date.now());
		if (!issued) throw new Error("no token in ready");

		// The token is a token like any other: it posts, and a reconnect keeps the same user.
		const posted = await call("POST", `/api/chats/${chat.id}/messages`, issued.token, { text: "hi" });
		expect(posted.status).toBe(201);
		await socket.next("message");
		socket.close();
		const again = await TestSocket.open(chat.id, issued.token);
		expect(again.of("ready")[0]?.user.id).toBe(issued.user.id);
		expect(again.of("ready")[0]?.token).toBeUndefined();
		// A refresh with it keeps the id too.
		const refreshed = await (await tokenFrom(chat, "Zoë", { previous: issued.token })).json<IssuedToken>();
		expect(refreshed.user.id).toBe(issued.user.id);
		again.close();
	});

	it("gives the owner role for the owner key, and a member's for the invite key of a private chat", async () => {
		const chat = await createChat({ visibility: "private" });
		const owner = await joined(await joinByName(chat.id, "olga", { key: chat.ownerKey }));
		expect(owner.of("ready")[0]?.token?.user.role).toBe("owner");
		const member = await joined(await joinByName(chat.id, "mia", { key: chat.inviteKey ?? "" }));
		expect(member.of("ready")[0]?.token?.user.role).toBe("member");
		expect((await owner.next("presence")).online).toBeGreaterThanOrEqual(1);
		owner.close();
		member.close();
	});

	it("refuses a private chat's join without its key, or with a wrong one, as the token request does", async () => {
		const chat = await createChat({ visibility: "private" });
		const bare = (name: string) => postJson(`/api/chats/${chat.id}/tokens`, { name });
		await sameRefusal(await joinByName(chat.id, "eve"), await bare("eve"));
		await sameRefusal(
			await joinByName(chat.id, "eve", { key: "wrong-key" }),
			await tokenFrom(chat, "eve", { key: "wrong-key" }),
		);
		await expectError(await joinByName(chat.id, "eve"), 404, "not_found");
	});

	it("refuses a wrong key of a public chat, and a bad name, with the token request's status and words", async () => {
		const chat = await createChat();
		await sameRefusal(
			await joinByName(chat.id, "eve", { key: "wrong-key" }),
			await tokenFrom(chat, "eve", { key: "wrong-key" }),
		);
		await expectError(await joinByName(chat.id, "eve", { key: "wrong-key" }), 403, "forbidden");
		const blank = postJson(`/api/chats/${chat.id}/tokens`, { name: "   " });
		await sameRefusal(await joinByName(chat.id, "   "), await blank);
		const tooLong = "x".repeat(500);
		await sameRefusal(
			await joinByName(chat.id, tooLong),
			await postJson(`/api/chats/${chat.id}/tokens`, { name: tooLong }),
		);
		const overridden = "ev\u202ee";
		await sameRefusal(
			await joinByName(chat.id, overridden),
			await postJson(`/api/chats/${chat.id}/tokens`, { name: overridden }),
		);
		// Not base64url, or not UTF-8: refused as a bad request, saying what to send.
		await expectError(
			await joinByName(chat.id, "x", { protocols: ["edgechat.v1", "edgechat.name.%%%"] }),
			400,
			"bad_request",
		);
		await expectError(
			await joinByName(chat.id, "x", { protocols: ["edgechat.v1", "edgechat.name.__8"] }),
			400,
			"bad_request",
		);
		// Without edgechat.v1 a browser would fail the handshake: said before the upgrade.
		await expectError(
			await joinByName(chat.id, "x", { protocols: [`edgechat.name.${encodedName("x")}`] }),
			400,
			"bad_request",
		);
	});

	it("refuses a new identity from a banned user's address, and an unknown chat", async () => {
		const chat = await createChat();
		const owner = await joinToken(chat, "olga", chat.ownerKey);
		const bob = await (await tokenFrom(chat, "bob", { address: "203.0.113.8" })).json<IssuedToken>();
		expect(
			(await call("POST", `/api/chats/${chat.id}/bans`, owner.token, { userId: bob.user.id })).status,
		).toBe(201);
		await sameRefusal(
			await joinByName(chat.id, "bob2", { address: "203.0.113.8" }),
			await tokenFrom(chat, "bob3", { address: "203.0.113.8" }),
		);
		await expectError(await joinByName(chat.id, "bob2", { address: "203.0.113.8" }), 403, "banned");
		await joined(await joinByName(chat.id, "carol", { address: "198.51.100.2" }));
		await expectError(await joinByName("no-such-chat-here", "carol"), 404, "not_found");
	});

	it("counts against the address's tokens a minute, like a token request", async () => {
		const chat: CreatedChat = await createChat();
		const address = "203.0.113.77";
		await aWholeWindow();
		for (let n = 0; n < 60; n++) expect((await tokenFrom(chat, `u${n}`, { address })).status).toBe(201);
		await expectError(await joinByName(chat.id, "one-too-many", { address }), 429, "rate_limited");
	});
});
