import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../worker/protocol";
import { call, createChat, joinToken, TestSocket } from "../worker/helpers";
import { captureLogs } from "../worker/log-capture";

// This file runs with ROOM_SHARD_CAPACITY=1 (vitest.spread.config.ts): the first socket of a
// chat fills its root, and every further one goes to a shard of its own.
const logs = captureLogs();

function shardAdmissions(chatId: string): number {
	return logs
		.events("metric")
		.filter((line) => line.metric === "token" && line.chatId === chatId && line.detail === "shard").length;
}

describe("mentions in a spread chat", () => {
	it("keep a user a shard admitted a moment ago, before the shard reported them to the root", async () => {
		const chat = await createChat();
		const ada = await joinToken(chat, "ada");
		const sockets = [
			await TestSocket.open(chat.id, ada.token),
			await TestSocket.open(chat.id, (await joinToken(chat, "sam")).token),
		];
		const before = shardAdmissions(chat.id);
		const newcomer = await joinToken(chat, "newcomer");
		expect(shardAdmissions(chat.id)).toBe(before + 1);
		const response = await call("POST", `/api/chats/${chat.id}/messages`, ada.token, {
			text: "welcome",
			mentions: [newcomer.user.id],
		});
		expect(response.status).toBe(201);
		expect((await response.json<{ message: ChatMessage }>()).message.mentions).toEqual([newcomer.user.id]);
		await logs.closeAll(sockets);
	});
});
