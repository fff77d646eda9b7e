import { DoorCopy } from "../door/door-copy";
import type { FanoutEvent } from "../fanout/fanout-batch";
import type { ShardWelcome } from "../fanout/shard-welcome";
import type { ChatSettings } from "../protocol";
import { RecentMessages } from "../sequencer/recent-messages";
import { OnlineMirror } from "./online-mirror";

/** Messages a shard keeps for resumes; older gaps are read from the root's log. */
const recentHeld = 256;

/** Who a shard is: stored, so that a shard that restarts knows its chat before the root calls. */
export interface ShardIdentity {
	chatId: string;
	index: number;
	chat: ChatSettings;
}

/**
 * What a shard knows of its chat, copied from the root: all of it from the welcome when it
 * attaches, then kept current by every batch of the fan-out. Only the identity is stored.
 */
export class ChatCopy {
	identity: ShardIdentity | null;
	readonly recent = new RecentMessages(recentHeld);
	readonly online = new OnlineMirror();
	readonly door: DoorCopy;
	/** The chat's change counter as of what this shard has delivered (from the welcome and batches). */
	private deliveredRev = 0;

	constructor(
		private readonly kv: SyncKvStorage,
		/** Called when the door let a user in: the shard tells the root soon. */
		onNoted: (pending: number) => void,
	) {
		this.identity = kv.get<ShardIdentity>("identity") ?? null;
		this.door = new DoorCopy(onNoted);
	}

	get rev(): number {
		return this.deliveredRev;
	}

	/** The root's welcome, when this shard attached to chat `chatId` as shard `index`. */
	take(chatId: string, index: number, welcome: ShardWelcome): void {
		const identity = { chatId, index, chat: welcome.chat };
		if (JSON.stringify(identity) !== JSON.stringify(this.identity)) {
			this.identity = identity;
			this.kv.put("identity", identity);
		}
		this.recent.reset(welcome.recentAfter, welcome.recent, welcome.lastSeq);
		this.online.reset(welcome.online, welcome.onlineCount);
		this.door.take(welcome.door);
		this.deliveredRev = welcome.rev;
	}

	/** What an event changes in what this shard knows of the chat, before its sockets see it. */
	apply(event: FanoutEvent): void {
		switch (event.kind) {
			case "message":
				this.recent.add(event.message);
				this.advanceRev(event.rev);
				break;
			case "deleted":
				this.recent.redact(event.seq);
				this.advanceRev(event.rev);
				break;
			case "edited":
				this.recent.update(event.message);
				this.advanceRev(event.rev);
				break;
			case "reactions":
				this.recent.setReactions(event.seq, event.reactions);
				this.advanceRev(event.rev);
				break;
			case "presence":
				this.online.apply(event.frame);
				break;
			case "door":
				this.door.take(event.door);
				break;
			case "chat":
				if (this.identity) {
					this.identity = { ...this.identity, chat: event.chat };
					this.kv.put("identity", this.identity);
				}
				break;
		}
	}

	/** The chat was deleted: nothing of it is known here any more. */
	forget(): void {
		this.identity = null;
		this.door.forget();
	}

	private advanceRev(rev: number | undefined): void {
		if (rev !== undefined && rev > this.deliveredRev) this.deliveredRev = rev;
	}
}
