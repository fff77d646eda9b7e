import { type RootStub, rootObject } from "../routing/shard-address";
import type { DeleteAnswer, EditAnswer, PostAnswer, ReactAnswer, WriteFace } from "../sockets/upstream";

/**
 * A shard's line to its chat's root. One stub for every call to the root, so that they arrive in
 * the order they were made (a report that the shard emptied must not overtake the attach of the
 * socket that came next).
 */
export class RootLink {
	private stub: RootStub | null = null;

	constructor(
		private readonly env: Env,
		/** The chat this shard attached to, once it has. */
		private readonly chatId: () => string | undefined,
	) {}

	root(chatId = this.chatId()): RootStub {
		if (chatId === undefined) throw new Error("a shard was used before it attached");
		this.stub ??= rootObject(this.env, chatId);
		return this.stub;
	}

	/** A stub that failed stays broken: the next call gets a new one. */
	drop(): void {
		this.stub = null;
	}

	async call<T>(call: (root: RootStub) => Promise<T>): Promise<T> {
		try {
			return await call(this.root());
		} catch (error) {
			this.drop();
			throw error;
		}
	}

	/** What this shard's sockets send goes to the root's write face over RPC. */
	readonly upstream: WriteFace = {
		// Each answer is awaited inside: an RPC promise of a union is not itself a promise of that union.
		post: (user, draft, saved) =>
			this.call(async (root): Promise<PostAnswer> => await root.post(user, draft, saved)),
		edit: (user, seq, text) =>
			this.call(async (root): Promise<EditAnswer> => await root.edit(user, seq, text)),
		react: (user, seq, emoji, on) =>
			this.call(async (root): Promise<ReactAnswer> => await root.react(user, seq, emoji, on)),
		remove: (user, seq) => this.call(async (root): Promise<DeleteAnswer> => await root.remove(user, seq)),
		typing: (user) => this.call((root) => root.typing(user)),
	};
}
