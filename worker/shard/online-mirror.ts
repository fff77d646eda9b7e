import { limits, type PresenceFrame, type UserRef } from "../protocol";
import { onlineJson } from "../sockets/ready-json";

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
	/** `ready`'s list while this shard's own newcomers fill it: built once per change of them. */
	private newcomersJson: { head: number; json: string } | null = null;

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

	/**
	 * `list(local, limits.onlineListMax)` as the JSON of its items joined by commas. `head` is the
	 * holder's unreportedHead: while this shard's own newcomers fill the list (a join storm), the
	 * list is theirs alone, and is built again only when they change.
	 */
	listJson(local: ReadonlyMap<string, UserRef>, head: number): string {
		const max = limits.onlineListMax;
		if (local.size < max) return onlineJson(this.list(local, max));
		if (this.newcomersJson?.head !== head) {
			this.newcomersJson = { head, json: onlineJson(this.list(local, max)) };
		}
		return this.newcomersJson.json;
	}

	/** The root's count, plus this shard's newest users it has not counted yet. */
	count(local: ReadonlyMap<string, UserRef>): number {
		// Those also named here are counted already. Whichever is smaller is searched through the
		// other: in a storm the users not yet reported far outnumber the names kept.
		let named = 0;
		if (local.size <= this.names.size) {
			for (const id of local.keys()) if (this.names.has(id)) named += 1;
		} else {
			for (const id of this.names.keys()) if (local.has(id)) named += 1;
		}
		return this.total + local.size - named;
	}
}
