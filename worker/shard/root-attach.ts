import type { FanoutInbox } from "../fanout/fanout-inbox";
import type { UserRef } from "../protocol";
import type { LocalPresence, PresenceDelta } from "../sockets/local-presence";
import type { ChatCopy } from "./chat-copy";
import type { RootLink } from "./root-link";

/** The shard's parts its attach to the root reads and sets. */
export interface AttachParts {
	storage: DurableObjectStorage;
	presence: LocalPresence;
	inbox: FanoutInbox;
	copy: ChatCopy;
	link: RootLink;
}

/**
 * A shard's standing with its chat's root: the attach that tells the root who is held here and
 * brings the chat's state back, and the presence reports that keep the root's counts right after it.
 */
export class RootAttach {
	/** Whether this instance has told the root who it holds and learnt the chat's state. */
	private attached: Promise<boolean> | null = null;
	/** An attach made for a joining socket is on its way. */
	private joinAttaching = false;
	/** Whether the root counts sockets here, and so sends this shard its batches. */
	private isCounted = false;

	constructor(private readonly parts: AttachParts) {}

	get counted(): boolean {
		return this.isCounted;
	}

	/**
	 * Once per instance, and again whenever a socket joins a shard the root no longer sends to:
	 * tells the root every user held here (replacing what it knew, so a restart that lost sockets
	 * cannot leave ghosts) and learns the chat, its last seq, who is online and the newest
	 * messages. It runs in the fan-out's line, so batches wait for it.
	 */
	attach(chatId: string, index: number, joining: UserRef | null): Promise<boolean> {
		const { presence, inbox, copy, link } = this.parts;
		// Joins that arrive while a join's attach is on its way wait for that one: it makes the
		// shard counted, and their users reach the root as presence. Each attaching again would
		// cost the root a welcome per join, in line, and stall a join storm on a fresh shard.
		if (this.attached && (joining === null || this.isCounted || this.joinAttaching)) return this.attached;
		if (joining) this.joinAttaching = true;
		this.attached = inbox
			.run(async () => {
				const held = presence.users();
				if (joining && !held.some((user) => user.id === joining.id)) {
					held.push({ id: joining.id, name: joining.name });
				}
				const sockets = presence.sockets + (joining ? 1 : 0);
				const welcome = await link.root(chatId).attachShard(index, held, sockets);
				if (!welcome) return false;
				this.isCounted = sockets > 0;
				presence.markReported(held);
				// Sockets held through a restart (hibernated) are owed every message since the last
				// one delivered to them; skipping ahead would leave them a gap they cannot see.
				if (presence.sockets > 0) await inbox.catchUp(welcome.lastSeq);
				else inbox.advanceTo(welcome.lastSeq);
				copy.take(chatId, index, welcome);
				return true;
			})
			.catch((error: unknown) => {
				this.attached = null;
				link.drop();
				throw error;
			})
			.finally(() => {
				if (joining) this.joinAttaching = false;
			});
		return this.attached;
	}

	/** What changed here since the last report (LocalPresence decides when). */
	report(delta: PresenceDelta): void {
		const { storage, link } = this.parts;
		const identity = this.parts.copy.identity;
		if (!identity) return;
		void storage.put("reportedSockets", delta.sockets, { allowUnconfirmed: true });
		// A shard that empties is no longer sent batches, so the next socket here attaches afresh.
		this.isCounted = delta.sockets > 0;
		link
			.call((root) => root.shardPresence(identity.index, delta.joined, delta.left, delta.sockets))
			.catch((error: unknown) => {
				// The delta is lost: attaching again replaces what the root knows with the whole truth.
				console.error("presence report failed", error);
				link.drop();
				this.attached = null;
				void this.attach(identity.chatId, identity.index, null).catch(() => undefined);
			});
	}

	/** The chat was deleted: a socket that comes next attaches afresh. */
	forget(): void {
		this.attached = null;
		this.isCounted = false;
	}
}
