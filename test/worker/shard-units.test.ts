import { describe, expect, it } from "vitest";
import { admitSocket, admitUser } from "../../worker/door/admission";
import { DoorCopy } from "../../worker/door/door-copy";
import type { DoorBan } from "../../worker/door/door-state";
import { type ChatMessage, limits, type UserRef } from "../../worker/protocol";
import { refusals } from "../../worker/refusals";
import { RecentMessages } from "../../worker/sequencer/recent-messages";
import { OnlineMirror } from "../../worker/shard/online-mirror";
import { effectOf, inDeliveryOrder, replyToChange, replyToPost } from "../../worker/sockets/frame-effects";
import { LocalPresence, type PresenceDelta } from "../../worker/sockets/local-presence";
import { sleep } from "./helpers";

const user = (id: string, name = id) => ({ id, name });
const message = (seq: number): ChatMessage => ({
	seq,
	id: `m${seq}`,
	user: user("u"),
	text: `t${seq}`,
	ts: seq,
});

describe("frame effects", () => {
	it("turns each client frame into what it asks of the sequencer", () => {
		expect(effectOf({ type: "send", text: "hi", clientId: "c1" })).toEqual({
			kind: "post",
			draft: { text: "hi", clientId: "c1" },
			clientId: "c1",
		});
		expect(effectOf({ type: "send", text: "hi" })).toEqual({ kind: "post", draft: { text: "hi" } });
		expect(effectOf({ type: "typing" })).toEqual({ kind: "typing" });
		expect(effectOf({ type: "delete", seq: 3 })).toEqual({ kind: "delete", seq: 3 });
	});

	it("answers the sender only when it must: a retry, a refusal with its clientId and wait", () => {
		const stored = message(4);
		expect(
			replyToPost({ kind: "created", message: stored, bucket: { tokens: 1, updatedAt: 0 } }, "c"),
		).toBeNull();
		expect(replyToPost({ kind: "duplicate", message: stored }, "c")).toEqual({
			type: "message",
			message: stored,
		});
		expect(replyToPost({ kind: "refused", ...refusals.rateLimited(1234.5) }, "c")).toMatchObject({
			type: "error",
			code: "rate_limited",
			clientId: "c",
			retryAfterMs: 1235,
		});
		expect(replyToChange({ kind: "deleted" })).toBeNull();
		expect(replyToChange({ kind: "refused", ...refusals.notYourMessageToDelete() })).toMatchObject({
			code: "forbidden",
		});
		expect(replyToChange({ kind: "refused", ...refusals.noMessage(2) })).toMatchObject({
			code: "not_found",
			message: "No message 2 in this chat",
		});
	});
});

describe("a retry's answer at a shard", () => {
	it("is the original once the shard delivered it, and nothing before: its batch brings it in order", () => {
		const duplicate = { kind: "duplicate" as const, message: message(7) };
		expect(inDeliveryOrder(duplicate, 7)).toBe(duplicate);
		expect(replyToPost(inDeliveryOrder(duplicate, 7), "c7")).toEqual({
			type: "message",
			message: message(7),
		});
		expect(inDeliveryOrder(duplicate, 6)).toEqual({ kind: "coming", seq: 7 });
		expect(replyToPost(inDeliveryOrder(duplicate, 6), "c7")).toBeNull();
		const limited = { kind: "refused" as const, ...refusals.rateLimited(900) };
		expect(inDeliveryOrder(limited, 0)).toBe(limited);
	});
});

describe("recent messages", () => {
	it("answers for what it holds and refuses what it does not", () => {
		const recent = new RecentMessages(3);
		recent.reset(0, [message(1), message(2)], 2);
		expect(recent.between(0)?.map((held) => held.seq)).toEqual([1, 2]);
		for (const seq of [3, 4, 5]) recent.add(message(seq));
		expect(recent.between(2)?.map((held) => held.seq)).toEqual([3, 4, 5]);
		expect(recent.between(1)).toBeNull();
		expect(recent.between(3, 4)?.map((held) => held.seq)).toEqual([4]);
	});

	it("starts over after a jump in seq, and shows a deletion", () => {
		const recent = new RecentMessages(10);
		recent.reset(0, [message(1)], 1);
		recent.add(message(5));
		expect(recent.between(0)).toBeNull();
		expect(recent.between(4)?.map((held) => held.seq)).toEqual([5]);
		recent.redact(5);
		expect(recent.between(4)?.[0]).toMatchObject({ text: "", deleted: true });
	});
});

describe("a shard's presence reports", () => {
	it("reports each user once per window, with the socket count, and nothing when nothing moved", async () => {
		const reports: PresenceDelta[] = [];
		const presence = new LocalPresence(10, (delta) => reports.push(delta));
		presence.join(user("a"));
		presence.join(user("a"));
		presence.join(user("b"));
		expect([...presence.unreported().values()]).toEqual([user("a"), user("b")]);
		await sleep(30);
		expect(reports).toEqual([{ joined: [user("a"), user("b")], left: [], sockets: 3 }]);
		expect(presence.unreported().size).toBe(0);
		presence.leave(user("a"));
		await sleep(30);
		expect(reports.at(-1)).toEqual({ joined: [], left: [], sockets: 2 });
		presence.leave(user("a"));
		presence.join(user("c"));
		expect([...presence.unreported().keys()]).toEqual(["c"]);
		presence.leave(user("c"));
		expect(presence.unreported().size).toBe(0);
		await sleep(30);
		expect(reports.at(-1)).toEqual({ joined: [], left: [user("a")], sockets: 1 });
		presence.flush();
		expect(reports).toHaveLength(3);
	});

	it("reports a user again under a new name, and a leave that happened while it slept", async () => {
		const reports: PresenceDelta[] = [];
		const presence = new LocalPresence(10, (delta) => reports.push(delta), 1);
		presence.restore(user("a", "ada"));
		presence.join(user("a", "ada lovelace"));
		presence.leave(user("z"), false);
		// Told of before it slept: a rename is reported, but the user is not new to the receiver.
		expect(presence.unreported().size).toBe(0);
		presence.flush();
		expect(reports).toEqual([{ joined: [user("a", "ada lovelace")], left: [user("z")], sockets: 2 }]);
	});
});

describe("a shard's view of who is online", () => {
	it("gives a storm's joiners the list of its first newcomers, built again only when they change", () => {
		const mirror = new OnlineMirror();
		mirror.reset([user("a"), user("b")], 2);
		const presence = new LocalPresence(60_000, () => {});
		const listed = () => JSON.parse(`[${mirror.listJson(presence.unreported(), presence.unreportedHead)}]`);
		const expected = () => mirror.list(presence.unreported(), limits.onlineListMax);
		for (let index = 0; index < limits.onlineListMax + 20; index++) {
			const head = presence.unreportedHead;
			presence.join(user(`n${index}`));
			// Past the first hundred, a newcomer leaves the list as it was.
			expect(presence.unreportedHead === head).toBe(index >= limits.onlineListMax);
			expect(listed()).toEqual(expected());
		}
		presence.leave(user("n5"));
		expect(listed()).toEqual(expected());
		expect(listed()).not.toContainEqual(user("n5"));
		expect(mirror.count(presence.unreported())).toBe(2 + limits.onlineListMax + 19);
		mirror.apply({ type: "presence", joined: [user("n7")], left: [], online: 3 });
		expect(mirror.count(presence.unreported())).toBe(3 + limits.onlineListMax + 18);
		presence.flush();
		expect(listed()).toEqual(expected());
		expect(listed()).toEqual([user("a"), user("b"), user("n7")]);
	});

	it("lists its own users first and counts those the root has not yet counted", () => {
		const mirror = new OnlineMirror();
		mirror.reset([user("a"), user("b")], 2);
		const local = (...users: UserRef[]) => new Map(users.map((one) => [one.id, one]));
		expect(mirror.list(local(user("c")), 2)).toEqual([user("c"), user("a")]);
		expect(mirror.count(local(user("c"), user("a")))).toBe(3);
		mirror.apply({ type: "presence", joined: [user("c")], left: [user("a")], online: 2 });
		expect(mirror.list(local(), 10)).toEqual([user("b"), user("c")]);
		expect(mirror.count(local(user("c")))).toBe(2);
	});
});

describe("a shard's copy of the chat's door", () => {
	const access = (inviteKeyHash: string) => ({
		visibility: "private" as const,
		ownerKeyHash: "o",
		inviteKeyHash,
	});
	const door = (version: number, inviteKeyHash: string, bans: DoorBan[] = [], moderators: string[] = []) => ({
		version,
		access: access(inviteKeyHash),
		bans,
		moderators,
	});

	function mirror() {
		const noted: number[] = [];
		const copy = new DoorCopy((pending) => noted.push(pending));
		return { copy, noted };
	}

	it("keeps the newest door: a copy from a retried, older batch does not win", () => {
		const { copy } = mirror();
		expect(copy.access).toBeNull();
		copy.take(door(2, "new"));
		copy.take(door(1, "old"));
		expect(copy.access?.inviteKeyHash).toBe("new");
		copy.take(door(3, "newer"));
		expect(copy.access?.inviteKeyHash).toBe("newer");
		copy.forget();
		expect(copy.access).toBeNull();
	});

	it("refuses banned users, and new identities from a banned address until the ban ends", () => {
		const { copy } = mirror();
		copy.take(
			door(1, "k", [
				{ userId: "bob", until: null, address: null },
				{ userId: "ann", until: 1000, address: "digest-a" },
			]),
		);
		const member = (id: string) => ({ id, name: id, role: "member" as const });
		expect(admitUser(copy, member("bob"), null, false, 0)).toMatchObject({ kind: "refused", code: "banned" });
		expect(admitSocket(copy, member("bob"), 0)).toMatchObject({
			kind: "refused",
			status: 403,
			code: "banned",
		});
		expect(admitUser(copy, member("bobby"), "digest-a", true, 500)).toMatchObject({
			kind: "refused",
			code: "banned",
			message: expect.stringContaining("from this network address"),
		});
		// A refresh is not a new identity; an owner is never refused by address; the ban ends.
		expect(admitUser(copy, member("bobby"), "digest-a", false, 500).kind).toBe("admitted");
		const owner = { id: "olga", name: "olga", role: "owner" as const };
		expect(admitUser(copy, owner, "digest-a", true, 500).kind).toBe("admitted");
		expect(admitUser(copy, member("carl"), "digest-a", true, 1000).kind).toBe("admitted");
		expect(admitSocket(copy, member("ann"), 1000).kind).toBe("admitted");
	});

	it("gives the role the chat's list gives, and notes whom it let in for the root", () => {
		const { copy, noted } = mirror();
		copy.take(door(1, "k", [], ["mia"]));
		expect(admitUser(copy, { id: "mia", name: "Mia", role: "member" }, "d1", true, 7)).toEqual({
			kind: "admitted",
			role: "moderator",
		});
		expect(admitUser(copy, { id: "sam", name: "Sam", role: "member" }, null, true, 8)).toEqual({
			kind: "admitted",
			role: "member",
		});
		expect(noted).toEqual([1, 2]);
		const taken = copy.takeNoted();
		expect(taken.map((entry) => [entry.user.id, entry.address, entry.at])).toEqual([
			["mia", "d1", 7],
			["sam", null, 8],
		]);
		expect(copy.takeNoted()).toEqual([]);
		// What the root could not be told goes back ahead of what came since.
		admitUser(copy, { id: "zoe", name: "Zoe", role: "member" }, null, true, 9);
		copy.restore(taken);
		expect(copy.takeNoted().map((entry) => entry.user.id)).toEqual(["mia", "sam", "zoe"]);
	});
});
