import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { KnownUsers } from "../../worker/sequencer/known-users";
import { createChat, roomStub } from "./helpers";

type Row = { user_id: string; name: string; address: string | null };

function rows(sql: SqlStorage): Row[] {
	return sql.exec<Row>("SELECT user_id, name, address FROM known_users ORDER BY user_id").toArray();
}

describe("known users", () => {
	it("finds a user at once, writes them a moment later, and keeps the last address known", async () => {
		const chat = await createChat();
		await runInDurableObject(roomStub(chat.id), (_room, state) => {
			const known = new KnownUsers(state.storage.sql);
			known.note({ id: "u-bob", name: "bob" }, "digest-1", 1);
			expect(known.find("u-bob")).toEqual({ user: { id: "u-bob", name: "bob" }, address: "digest-1" });
			expect(rows(state.storage.sql).some((row) => row.user_id === "u-bob")).toBe(false);

			// A refresh (no address) renames and keeps the digest, waiting or written.
			known.note({ id: "u-bob", name: "bobby" }, null, 2);
			expect(known.find("u-bob")?.address).toBe("digest-1");
			known.write();
			known.note({ id: "u-bob", name: "robert" }, null, 3);
			expect(known.find("u-bob")).toEqual({ user: { id: "u-bob", name: "robert" }, address: "digest-1" });
			known.write();

			expect(rows(state.storage.sql).filter((row) => row.user_id === "u-bob")).toEqual([
				{ user_id: "u-bob", name: "robert", address: "digest-1" },
			]);
			expect(new KnownUsers(state.storage.sql).find("u-bob")?.user.name).toBe("robert");
			expect(known.find("u-nobody")).toBeNull();
		});
	});

	it("writes nothing of a chat being erased", async () => {
		const chat = await createChat();
		await runInDurableObject(roomStub(chat.id), async (_room, state) => {
			const known = new KnownUsers(state.storage.sql);
			known.note({ id: "u-eve", name: "eve" }, "digest-2", 1);
			known.discard();
			expect(known.find("u-eve")).toBeNull();
			await new Promise((resolve) => setTimeout(resolve, 300));
			expect(rows(state.storage.sql).some((row) => row.user_id === "u-eve")).toBe(false);
		});
	});
});
