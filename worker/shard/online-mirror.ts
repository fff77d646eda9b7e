import { limits, type PresenceFrame, type UserRef } from "../protocol";
import { userJson } from "../sockets/ready-json";

/** A listed user, and their JSON for the online list of every `ready` (readyJson). */
interface Listed {
	user: UserRef;
	json: string;
}

/** Names kept beyond the online list of `ready`, so a few leaves never empty it. */
const namesKept = limits.onlineListMax * 2;

/**
 * The chat-wide online list as one shard sees it, for the `ready` frames it greets sockets with:
 * the root's list when the shard attached, kept current by the presence frames it relays. The
 * count is the root's, exact as of its last frame; the names are exact while the chat is small
 * (every frame then names every change) and a sample once it is large, as `ready` promises.
 */
export class OnlineMirror {
	private readonly names = new Map<string, Listed>();
	private total = 0;

	reset(online: UserRef[], count: number): void {
		this.names.clear();
		for (const user of online) this.names.set(user.id, listed(user));
		this.total = count;
	}

	apply(frame: PresenceFrame): void {
		for (const user of frame.left) this.names.delete(user.id);
		for (const user of frame.joined) this.names.set(user.id, listed(user));
		while (this.names.size > namesKept) {
			const oldest = this.names.keys().next().value;
			if (oldest === undefined) break;
			this.names.delete(oldest);
		}
		this.total = frame.online;
	}

	/** Who is online, this shard's newest users first (the root may not have heard of them yet). */
	list(local: UserRef[], max: number): UserRef[] {
		return this.pick(local, max).map(({ user }) => user);
	}

	/** The same users as `list`, each serialised (the mirror's own users were serialised once). */
	listJson(local: UserRef[], max: number): string[] {
		return this.pick(local, max).map(({ json }) => json);
	}

	private pick(local: UserRef[], max: number): Listed[] {
		const picked = new Map<string, Listed>();
		for (const user of local) if (picked.size < max) picked.set(user.id, listed(user));
		for (const [id, entry] of this.names) {
			if (picked.size >= max) break;
			if (!picked.has(id)) picked.set(id, entry);
		}
		return [...picked.values()];
	}

	/** The root's count, plus this shard's newest users it has not counted yet. */
	count(local: UserRef[]): number {
		let unseen = 0;
		for (const user of local) if (!this.names.has(user.id)) unseen += 1;
		return this.total + unseen;
	}
}

function listed(user: UserRef): Listed {
	return { user: { id: user.id, name: user.name }, json: userJson(user) };
}
