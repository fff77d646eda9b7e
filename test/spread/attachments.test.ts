import { describe, expect, it } from "vitest";
import { createChat } from "../worker/helpers";
import { jpeg, png } from "../worker/images";
import { captureLogs } from "../worker/log-capture";
import { download, uploaded } from "../worker/uploads";
import { onObjectsOfTheirOwn } from "./spread-users";

// This file runs with ROOM_SHARD_CAPACITY=1 (vitest.spread.config.ts): the first socket of a
// chat fills its root, and every further one goes to a shard of its own.
const logs = captureLogs();

describe("attachments in a spread chat", () => {
	it("go from a socket on a shard through the root to every socket, and leave with their message", async () => {
		const chat = await createChat();
		const { users, sockets } = await onObjectsOfTheirOwn(chat, ["ada", "bob", "cy"]);
		const [, bob, cy] = users;
		const [, bobSocket] = sockets;
		if (!bob || !cy || !bobSocket) throw new Error("unreachable");
		const files = [await uploaded(chat.id, bob.token, jpeg()), await uploaded(chat.id, bob.token, png(3, 2))];
		bobSocket.send({ type: "send", text: "", clientId: "pics", attachments: files.map((file) => file.id) });
		for (const socket of sockets) {
			await socket.until(() => socket.messages.length === 1, "the message on every object");
			expect(socket.messages[0]).toMatchObject({ seq: 1, text: "", clientId: "pics", attachments: files });
		}
		// Refused where the state is (the root), answered on the shard with the send's clientId.
		const theirs = await uploaded(chat.id, cy.token, png(1, 1));
		bobSocket.send({ type: "send", text: "x", clientId: "not-mine", attachments: [theirs.id] });
		expect(await bobSocket.next("error")).toMatchObject({ code: "bad_request", clientId: "not-mine" });
		bobSocket.send({ type: "delete", seq: 1 });
		for (const socket of sockets) await socket.next("deleted");
		for (const file of files) expect((await download(chat.id, file.id)).status).toBe(404);
		await logs.closeAll(sockets);
	});
});
