import { describe, expect, it } from "vitest";
import { api, createChat, joinToken, TestSocket } from "./helpers";

describe("smoke", () => {
	it("health answers", async () => {
		const response = await api("/api/health");
		expect(response.status).toBe(200);
	});

	it("round trip", async () => {
		const chat = await createChat();
		const token = await joinToken(chat);
		const socket = await TestSocket.open(chat.id, token.token);
		socket.send({ type: "send", text: "hello", clientId: "c1" });
		const frame = await socket.next("message");
		expect(frame.message.text).toBe("hello");
		socket.close();
	});
});
