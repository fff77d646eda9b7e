import { hashKey } from "../auth/keys";
import { type ChatDirectory, directoryStub } from "../directory/chat-directory";
import type { ShardWelcome } from "../fanout/shard-welcome";
import { newSecretKey } from "../ids";
import type { ChatInfo, SessionUser } from "../protocol";
import { refusals } from "../refusals";
import { shardObject } from "../routing/shard-address";
import { infoOf, type RoomInit, type SettingsChange, settingsOf } from "../sequencer/room-record";
import type { Sequencer } from "../sequencer/sequencer";
import type { ChatFiles } from "./chat-files";
import type { ModerationDesk, ModerationOutcome, ModerationRequest } from "./moderation-desk";
import type { RootSockets } from "./root-sockets";
import type { ShardRegistry } from "./shard-registry";
import type { ShardSync } from "./shard-sync";

/** A public chat is listed under its name; one made private leaves the list at once. */
export async function syncDirectory(
	directory: Pick<ChatDirectory, "register" | "unregister" | "rename">,
	before: RoomInit,
	after: RoomInit,
): Promise<void> {
	if (after.visibility === "private" && before.visibility === "public") await directory.unregister(after.id);
	const { id, name, owner, createdAt } = after;
	if (after.visibility === "public" && before.visibility === "private") {
		await directory.register({ id, name, owner, createdAt });
	}
	if (after.visibility === "public" && after.name !== before.name)
		await directory.rename(after.id, after.name);
}

/** The root's parts the calls that govern the chat use. */
export interface AdminParts {
	env: Env;
	storage: DurableObjectStorage;
	sequencer: Sequencer;
	desk: ModerationDesk;
	shards: ShardRegistry;
	sockets: RootSockets;
	shardSync: ShardSync;
	files: ChatFiles;
}

/** The calls that govern the chat: the owner's (its settings, its keys, its deletion) and moderation. */
export class ChatAdmin {
	constructor(private readonly parts: AdminParts) {}

	/** What a shard that attaches learns of the chat (room/shard-sync.ts). */
	welcome(chat: RoomInit): ShardWelcome {
		return this.parts.shardSync.welcome(chat);
	}

	/** Owner only: name, visibility, slow mode, read-only. Every socket gets a `chat` frame. */
	async updateChat(actor: SessionUser, change: SettingsChange): Promise<ChatInfo | "forbidden" | null> {
		const { env, sequencer, desk, sockets, shardSync } = this.parts;
		const before = sequencer.info;
		if (!before) return null;
		if (desk.roleOf(actor) !== "owner") return "forbidden";
		const after = sequencer.change(change);
		sockets.publish({ kind: "chat", chat: settingsOf(after) });
		if (after.visibility !== before.visibility) await shardSync.changeDoor();
		await syncDirectory(directoryStub(env), before, after);
		return infoOf(after);
	}

	/** Owner only: a new invite or owner key, returned once; the old one stops working at once. */
	async rotateKey(actor: SessionUser, which: "invite" | "owner"): Promise<string | "forbidden" | null> {
		const { sequencer, desk, shardSync } = this.parts;
		if (!sequencer.info) return null;
		if (desk.roleOf(actor) !== "owner") return "forbidden";
		const key = newSecretKey();
		sequencer.change({}, { which, hash: await hashKey(key) });
		await shardSync.changeDoor();
		return key;
	}

	/**
	 * Owner only: every socket on every object gets `chat_deleted` and closes with 4004, every
	 * object the root knows of erases its state, the directory drops the chat, and the root
	 * erases its own storage, so the id answers 404 from then on. Its files go first: should R2
	 * fail, the deletion fails with nothing else changed, and can be asked for again.
	 */
	async deleteChat(actor: SessionUser): Promise<"deleted" | "forbidden" | null> {
		const { env, storage, sequencer, desk, shards, sockets } = this.parts;
		const chat = sequencer.info;
		if (!chat) return null;
		if (desk.roleOf(actor) !== "owner") return "forbidden";
		await this.parts.files.eraseAll(chat.id);
		sequencer.forget();
		desk.erase();
		sockets.holder.closeAll();
		await Promise.allSettled(shards.known().map((idx) => shardObject(env, chat.id, idx).closeChat()));
		await directoryStub(env).unregister(chat.id);
		await storage.deleteAlarm();
		await storage.deleteAll();
		return "deleted";
	}

	async moderate(actor: SessionUser, request: ModerationRequest): Promise<ModerationOutcome | null> {
		const { sequencer, desk, shardSync } = this.parts;
		if (!sequencer.info) return null;
		const banned = desk.userBan(actor.id, Date.now());
		if (banned !== undefined) return { ok: false, ...refusals.banned(banned) };
		// A user a shard let in moments ago may not have been reported yet.
		if (!desk.knows(request.userId)) await shardSync.collectNotedUsers();
		const outcome = desk.apply(actor, request, Date.now());
		if (!outcome.ok) return outcome;
		await shardSync.moderated(request.action);
		return outcome;
	}
}
