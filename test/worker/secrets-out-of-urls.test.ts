import { describe, expect, it } from "vitest";
import { objectUpgradeHeaders, offeredProtocols } from "../../worker/http/socket-protocol";
import type { ChatWithConnections, HistoryPage, IssuedToken } from "../../worker/protocol";
import { api, createChat, expectError, joinToken, postJson, TestSocket } from "./helpers";

/** Tokens and keys can travel outside URLs, which proxies log and browsers keep in history. */

function upgradeWithProtocols(chatId: string, protocols: string, query = ""): Promise<Response> {
	return api(`/api/chats/${chatId}/ws${query}`, {
		headers: { Upgrade: "websocket", "Sec-WebSocket-Protocol": protocols },
	});
}

describe("the WebSocket token as a subprotocol", () => {
	it("opens the socket and answers with exactly edgechat.v1, never echoing the token", async () => {
		const chat = await createChat();
		const { token, user } = await joinToken(chat, "ada");
		const response = await upgradeWithProtocols(chat.id, `edgechat.v1, edgechat.token.${token}`);
		expect(response.status).toBe(101);
		expect(response.headers.get("Sec-WebSocket-Protocol")).toBe("edgechat.v1");
		if (!response.webSocket) throw new Error("no socket in the 101 response");
		const socket = new TestSocket(response.webSocket);
		expect((await socket.next("ready")).user).toEqual(user);
		socket.send({ type: "send", text: "over a URL without secrets" });
		expect((await socket.next("message")).message.text).toBe("over a URL without secrets");
		socket.close();
	});

	it("resumes with since in the query and the token in the subprotocol", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat, "ada");
		const response = await upgradeWithProtocols(chat.id, `edgechat.token.${token}, edgechat.v1`, "?since=0");
		expect(response.status).toBe(101);
		if (!response.webSocket) throw new Error("no socket in the 101 response");
		const socket = new TestSocket(response.webSocket);
		expect((await socket.next("ready")).replay).toMatchObject({ since: 0, missed: 0 });
		socket.close();
	});

	it("refuses an invalid token in the subprotocol with 401", async () => {
		const chat = await createChat();
		await expectError(
			await upgradeWithProtocols(chat.id, "edgechat.v1, edgechat.token.junk"),
			401,
			"unauthorized",
		);
	});

	it("refuses a token subprotocol offered without edgechat.v1 with 400, saying what to offer", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat);
		const message = await expectError(
			await upgradeWithProtocols(chat.id, `edgechat.token.${token}`),
			400,
			"bad_request",
		);
		expect(message).toMatch(/edgechat\.v1/);
	});

	it("still accepts the old ?token= form, answering edgechat.v1 when it is offered", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat);
		const response = await upgradeWithProtocols(chat.id, "edgechat.v1", `?token=${token}`);
		expect(response.status).toBe(101);
		expect(response.headers.get("Sec-WebSocket-Protocol")).toBe("edgechat.v1");
		response.webSocket?.accept();
		response.webSocket?.close(1000, "done");
	});

	it("forwards no credential to the room: only edgechat.v1, and nothing else the client sent", () => {
		const request = new Headers({
			"Sec-WebSocket-Protocol": "edgechat.v1, edgechat.token.secret.jwt.sig, edgechat.key.k3y",
			"x-edgechat-user": JSON.stringify({ id: "uForged", name: "x", role: "owner" }),
			Cookie: "session=1",
		});
		const forwarded = new Headers(objectUpgradeHeaders(offeredProtocols(request)));
		expect([...forwarded]).toEqual([
			["sec-websocket-protocol", "edgechat.v1"],
			["upgrade", "websocket"],
		]);
		const only = new Headers({ "Sec-WebSocket-Protocol": "edgechat.token.secret" });
		expect(() => offeredProtocols(only)).toThrow(/edgechat\.v1/);
		expect(
			new Headers(objectUpgradeHeaders(offeredProtocols(new Headers()))).has("Sec-WebSocket-Protocol"),
		).toBe(false);
	});
});

describe("the X-Chat-Key header, wherever ?key= is accepted", () => {
	it("shows a private chat, its history and a token to the invite key in the header", async () => {
		const chat = await createChat({ visibility: "private", name: "Hidden" });
		const key = { "X-Chat-Key": chat.inviteKey ?? "" };
		const described = await api(`/api/chats/${chat.id}`, { headers: key });
		expect(described.status).toBe(200);
		expect((await described.json<ChatWithConnections>()).name).toBe("Hidden");
		const history = await api(`/api/chats/${chat.id}/messages`, { headers: key });
		expect(history.status).toBe(200);
		expect((await history.json<HistoryPage>()).messages).toEqual([]);
		const issued = await postJson(`/api/chats/${chat.id}/tokens`, { name: "guest" }, key);
		expect(issued.status).toBe(201);
		expect((await issued.json<IssuedToken>()).user.role).toBe("member");
	});

	it("gives the owner role and the diagnostics to the owner key in the header", async () => {
		const chat = await createChat();
		const key = { "X-Chat-Key": chat.ownerKey };
		const issued = await postJson(`/api/chats/${chat.id}/tokens`, { name: "boss" }, key);
		expect((await issued.json<IssuedToken>()).user.role).toBe("owner");
		const diagnostics = await api(`/api/chats/${chat.id}/diagnostics`, { headers: key });
		expect(diagnostics.status).toBe(200);
		await expectError(await api(`/api/chats/${chat.id}/diagnostics`), 403, "forbidden");
	});

	it("refuses a wrong key in the header as it refuses one in the query", async () => {
		const open = await createChat();
		const hidden = await createChat({ visibility: "private" });
		const wrong = { headers: { "X-Chat-Key": "wrong" } };
		await expectError(await api(`/api/chats/${open.id}`, wrong), 403, "forbidden");
		await expectError(await api(`/api/chats/${hidden.id}`, wrong), 404, "not_found");
		await expectError(
			await postJson(`/api/chats/${hidden.id}/tokens`, { name: "x" }, { "X-Chat-Key": "wrong" }),
			404,
			"not_found",
		);
		await expectError(
			await api(`/api/chats/${open.id}`, { headers: { "X-Chat-Key": "k".repeat(201) } }),
			400,
			"bad_request",
		);
	});

	it("is allowed in CORS requests from other allowed origins", async () => {
		const preflight = await api("/api/chats/x", {
			method: "OPTIONS",
			headers: {
				Origin: "https://allowed.example",
				"Access-Control-Request-Method": "GET",
				"Access-Control-Request-Headers": "x-chat-key",
			},
		});
		expect(preflight.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("x-chat-key");
	});
});
