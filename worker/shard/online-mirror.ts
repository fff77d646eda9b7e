import { limits, type PresenceFrame, type UserRef } from "../protocol";

/** Names kept beyond the online list of `ready`, so a few leaves never empty it. */
const namesKept = limits.onlineListMax * 2;

/**
 * The chat-wide online list as one shard sees it, for the `ready` frames it greets sockets with:
 * the root's list when the shard attached, kept current by the presence frames it relays. The
 * count is the root's, exact as of its last frame; the names are exact while the chat is small
 * (every frame then names every change) and a sample once it is large, as `ready` promises.
 */
export class OnlineMirror {
	private readonly names = new Map<string, UserRef>();
	private total = 0;

	reset(online: UserRef[], count: number): void {
		this.names.clear();
		for (const user of online) this.names.set(user.id, user);
		this.total = count;
	}

	apply(frame: PresenceFrame): void {
		for (const user of frame.left) this.names.delete(user.id);
		for (const user of frame.joined) this.names.set(user.id, user);
		while (this.names.size > namesKept) {
			const oldest = this.names.keys().next().value;
			if (oldest === undefined) break;
			this.names.delete(oldest);
		}
		this.total = frame.online;
	}

	/** Who is online, this shard's newest users first (the root may not have heard of them yet). */
	list(local: ReadonlyMap<string, UserRef>, max: number): UserRef[] {
		const listed = new Map<string, UserRef>();
		for (const user of local.values()) {
			if (listed.size >= max) break;
			listed.set(user.id, user);
		}
		for (const [id, user] of this.names) {
			if (listed.size >= max) break;
			if (!listed.has(id)) listed.set(id, user);
		}
		return [...listed.values()];
	}

	/** The root's count, plus this shard's newest users it has not counted yet. */
	count(local: ReadonlyMap<string, UserRef>): number {
		let unseen = 0;
		for (const id of local.keys()) if (!this.names.has(id)) unseen += 1;
		return this.total + unseen;
	}
}
