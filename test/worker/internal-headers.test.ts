import { describe, expect, it } from "vitest";
import { api, createChat, TestSocket } from "./helpers";

/**
 * The chat's objects believe a few headers that only the Worker may set (the verified user, the
 * shard, the join's region). A client that sends them itself must get nothing from it.
 */
describe("headers between the Worker and the chat's objects", () => {
	it("never lets a join by name pass itself off as another user with the Worker's own header", async () => {
		const chat = await createChat();
		const name = Buffer.from("mallory", "utf8").toString("base64url");
		const response = await api(`/api/chats/${chat.id}/ws`, {
			headers: {
				Upgrade: "websocket",
				"Sec-WebSocket-Protocol": `edgechat.v1, edgechat.name.${name}`,
				"x-edgechat-user": JSON.stringify({ id: "uOwnerOwnerOwner", name: "owner", role: "owner" }),
				"x-edgechat-shard": "7",
			},
		});
		expect(response.status).toBe(101);
		if (!response.webSocket) throw new Error("no socket in the 101 response");
		const socket = new TestSocket(response.webSocket);
		const ready = await socket.next("ready");
		expect(ready.user).toMatchObject({ name: "mallory", role: "member" });
		expect(ready.user.id).not.toBe("uOwnerOwnerOwner");
		socket.close();
	});
});
