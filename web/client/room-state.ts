import type {
	ChatMessage,
	ChatSettings,
	ErrorCode,
	ErrorFrame,
	PresenceFrame,
	ReadyFrame,
	SessionUser,
	UserRef,
} from "../../worker/protocol/index.ts";
import type {
	ChatClientEvents,
	ClientError,
	ClientMessage,
	PresenceChange,
	ReceivedMessage,
} from "./client-types.ts";
import type { Emit } from "./emitter.ts";
import { parseServerFrame } from "./frames.ts";
import { markMentions } from "./mentions.ts";
import { ReplyQuotes } from "./reply-quotes.ts";
import type { Sender } from "./sender.ts";
import { SeqTracker } from "./seq-tracker.ts";

export interface RoomHooks {
	/** `ready` arrived (the room state already reflects it). */
	ready(frame: ReadyFrame): void;
	/** Kicked, banned, or the chat was deleted: the client must stop. */
	ended(code: ErrorCode, message: string): void;
}

/**
 * The chat as the frames received describe it: who we are, its settings, who is online, how far
 * the log and its changes have been seen. Each frame becomes the client's events, every message
 * (live or from a history page) delivered once by seq.
 */
export class RoomState {
	readonly #emit: Emit<ChatClientEvents>;
	readonly #sender: Sender;
	readonly #hooks: RoomHooks;
	readonly #seqs = new SeqTracker();
	/** The quotes of the replies handed out, kept current when the messages they answer are deleted. */
	readonly quotes = new ReplyQuotes();
	#ready: ReadyFrame | null = null;
	#online = new Map<string, UserRef>();
	#onlineCount = 0;
	/** The chat's change counter as far as we have seen: a reconnect asks for changes after it. */
	#rev = 0;
	/** Newest seq when we first joined without `since`: history at or below it is paged over HTTP. */
	#baseline = 0;

	constructor(emit: Emit<ChatClientEvents>, sender: Sender, hooks: RoomHooks) {
		this.#emit = emit;
		this.#sender = sender;
		this.#hooks = hooks;
	}

	get user(): SessionUser | null {
		return this.#ready?.user ?? null;
	}

	get chat(): ChatSettings | null {
		return this.#ready?.chat ?? null;
	}

	get online(): UserRef[] {
		return [...this.#online.values()];
	}

	get onlineCount(): number {
		return this.#onlineCount;
	}

	get rev(): number {
		return this.#rev;
	}

	get baseline(): number {
		return this.#baseline;
	}

	/** The seq a reconnect resumes from (`since`). */
	get lastSeq(): number {
		return Math.max(this.#baseline, this.#seqs.highest);
	}

	/** Who is online now, as a `presence` event tells it. */
	presence(): PresenceChange {
		return { online: this.online, count: this.#onlineCount, joined: [], left: [] };
	}

	/**
	 * Hands a message to the app unless it was delivered before; an own echo settles its send.
	 * Returns it as the app gets it (marked when it mentions us).
	 */
	deliver(message: ChatMessage, source: ReceivedMessage["source"]): ClientMessage {
		const own = message.user.id === this.user?.id;
		if (own && message.clientId !== undefined) this.#sender.acknowledge(message.clientId);
		const marked = markMentions(message, this.user?.id);
		if (!this.#seqs.accept(message.seq)) return marked;
		this.quotes.see(message);
		this.#emit("message", { message: marked, source, own });
		return marked;
	}

	/** A text frame from the socket. */
	received(text: string): void {
		const frame = parseServerFrame(text);
		if (!frame) return;
		switch (frame.type) {
			case "ready":
				this.#onReady(frame);
				break;
			case "message":
				this.#seeRev(frame.rev);
				this.deliver(frame.message, "live");
				break;
			case "edited":
				this.#seeRev(frame.rev);
				this.quotes.see(frame.message);
				this.#emit("edited", { message: markMentions(frame.message, this.user?.id) });
				break;
			case "reactions":
				this.#seeRev(frame.rev);
				this.#emit("reactions", { seq: frame.seq, reactions: frame.reactions });
				break;
			case "moderation":
				this.#emit("moderation", frame);
				break;
			case "chat":
				if (this.#ready) this.#ready = { ...this.#ready, chat: frame.chat };
				this.#emit("chat", frame.chat);
				break;
			case "presence":
				this.#onPresence(frame);
				break;
			case "typing":
				if (frame.user.id !== this.user?.id) this.#emit("typing", frame.user);
				break;
			case "deleted":
				this.#seeRev(frame.rev);
				this.#emit("deleted", { seq: frame.seq });
				for (const change of this.quotes.deleted(frame.seq)) this.#emit("quote", change);
				break;
			case "error":
				this.#onErrorFrame(frame);
				break;
		}
	}

	#onReady(frame: ReadyFrame): void {
		const resumed = this.#ready !== null;
		this.#ready = frame;
		this.#rev = Math.max(this.#rev, frame.rev);
		if (!resumed) this.#baseline = frame.lastSeq;
		this.#online = new Map(frame.online.map((user) => [user.id, user]));
		this.#onlineCount = frame.onlineCount;
		this.#hooks.ready(frame);
	}

	#onPresence(frame: PresenceFrame): void {
		for (const user of frame.left) this.#online.delete(user.id);
		for (const user of frame.joined) this.#online.set(user.id, user);
		this.#onlineCount = frame.online;
		this.#emit("presence", {
			online: this.online,
			count: frame.online,
			joined: frame.joined,
			left: frame.left,
		});
	}

	#seeRev(rev: number | undefined): void {
		if (rev !== undefined && rev > this.#rev) this.#rev = rev;
	}

	#onErrorFrame(frame: ErrorFrame): void {
		// Kicked, banned, chat deleted: the server closes the socket right after this frame. Stop now
		// (some clients see that close late, behind a proxy), and never reconnect on our own.
		if (frame.code === "kicked" || frame.code === "banned" || frame.code === "chat_deleted") {
			this.#hooks.ended(frame.code, frame.message);
			return;
		}
		const { clientId } = frame;
		if (clientId !== undefined) this.#sender.refused({ ...frame, clientId });
		const error: ClientError = { code: frame.code, message: frame.message, fatal: false };
		if (clientId !== undefined) error.clientId = clientId;
		this.#emit("error", error);
	}
}
