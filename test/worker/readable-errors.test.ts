import { describe, expect, it } from "vitest";
import { api, createChat, joinToken, postJson, TestSocket } from "./helpers";

async function errorMessage(response: Response): Promise<string> {
	expect(response.status).toBeGreaterThanOrEqual(400);
	return (await response.json<{ error: { message: string } }>()).error.message;
}

describe("errors a person can read", () => {
	it.each([
		[{}, "name: required"],
		[{ name: "x", visibility: "secret" }, "visibility: must be one of public, private"],
		[{ name: "x", history: "yes" }, "history: must be true or false"],
		[{ name: 42 }, "name: must be text"],
	])("answers the body %j with %j", async (body, message) => {
		expect(await errorMessage(await postJson("/api/chats", body))).toBe(message);
	});

	it("names the bound a history query broke, and a cursor that is not a number", async () => {
		const chat = await createChat();
		expect(await errorMessage(await api(`/api/chats/${chat.id}/messages?limit=500`))).toBe(
			"limit: must be at most 200",
		);
		expect(await errorMessage(await api(`/api/chats/${chat.id}/messages?before=abc`))).toBe(
			"before: must be a number",
		);
	});

	it("says what to send when the body is not declared as JSON", async () => {
		const response = await api("/api/chats", { method: "POST", body: '{"name":"x"}' });
		expect(response.status).toBe(415);
		expect(await errorMessage(response)).toBe(
			"Send the body as JSON, with the header Content-Type: application/json",
		);
	});

	it("lists the frame types a socket accepts", async () => {
		const chat = await createChat();
		const socket = await TestSocket.open(chat.id, (await joinToken(chat)).token);
		socket.send({ type: "dance" });
		expect((await socket.next("error")).message).toBe(
			"type: must be one of send, typing, delete, edit, react",
		);
		socket.close();
	});
});
