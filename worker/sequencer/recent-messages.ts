import type { ChatMessage } from "../protocol";

/**
 * The newest messages of a chat, contiguous by seq, held in memory. A shard answers most resumes
 * from it (a reconnect storm after a restart then costs the root one read per shard, not one per
 * listener), and the root fills a shard's gap from it in chats that store nothing.
 */
export class RecentMessages {
	private messages: ChatMessage[] = [];
	/** Every message with a seq above this one is held (or was never sent); null: nothing known. */
	private knownAfter: number | null = null;
	private newest = 0;

	constructor(private readonly capacity: number) {}

	/** Starts over from `messages`, which hold every message after `after` up to `lastSeq`. */
	reset(after: number, messages: ChatMessage[], lastSeq: number): void {
		this.messages = messages.slice(-this.capacity);
		const first = this.messages[0];
		this.knownAfter = first && messages.length > this.capacity ? first.seq - 1 : after;
		this.newest = Math.max(lastSeq, this.messages.at(-1)?.seq ?? 0);
	}

	get lastSeq(): number {
		return this.newest;
	}

	add(message: ChatMessage): void {
		if (message.seq <= this.newest) return;
		// A jump means something in between is not held: what is held starts again here.
		if (this.knownAfter === null || message.seq !== this.newest + 1) {
			this.messages = [];
			this.knownAfter = message.seq - 1;
		}
		this.messages.push(message);
		this.newest = message.seq;
		if (this.messages.length > this.capacity) {
			this.messages.shift();
			this.knownAfter = (this.messages[0]?.seq ?? this.newest + 1) - 1;
		}
	}

	/** Replaces a held message with its latest state (an edit, new reactions). */
	update(message: ChatMessage): void {
		const index = this.messages.findIndex((held) => held.seq === message.seq);
		if (index >= 0) this.messages[index] = message;
	}

	setReactions(seq: number, reactions: ChatMessage["reactions"]): void {
		const message = this.messages.find((held) => held.seq === seq);
		if (!message) return;
		if (reactions && reactions.length > 0) message.reactions = reactions;
		else delete message.reactions;
	}

	find(seq: number): ChatMessage | null {
		return this.messages.find((held) => held.seq === seq) ?? null;
	}

	/** A deletion: the message loses its text and what it carried, and the replies their quote of it. */
	redact(seq: number): void {
		const message = this.find(seq);
		if (message) {
			message.text = "";
			message.deleted = true;
			delete message.editedAt;
			delete message.reactions;
			delete message.replyTo;
			delete message.mentions;
			delete message.attachments;
		}
		for (const reply of this.messages) {
			if (reply.replyTo?.seq === seq) reply.replyTo = { seq, user: reply.replyTo.user, deleted: true };
		}
	}

	/**
	 * The messages above `after` up to `upto`, ascending; null when some of them are not held and
	 * must be read from the log instead.
	 */
	between(after: number, upto = Number.MAX_SAFE_INTEGER): ChatMessage[] | null {
		if (this.knownAfter === null || after < this.knownAfter) return null;
		return this.messages.filter((message) => message.seq > after && message.seq <= upto);
	}
}
