import type { ChatMessage, ServerFrame } from "../../worker/protocol/index.ts";

/**
 * One member of a chat under chaos, as a careful client behaves: it sends messages with
 * clientIds, follows the chat with `since` across every dropped socket, and on each reconnect
 * sends again every message not yet acknowledged (sometimes it does not wait, and sends one
 * again at once, racing the original). It keeps the ledgers the verdict is read from.
 *
 * The transport is given, so the same member runs on real sockets inside workerd and on `ws`
 * sockets from Node against a runtime that is killed and restarted.
 */

export interface Link {
	send(frame: string): void;
	/** Drops the connection abruptly, as a lost network does. */
	kill(): void;
}

export interface LinkHandlers {
	frame(data: string): void;
	closed(): void;
}

/** Opens a socket of this member's, resuming after `since`; rejects when the chat is not reachable. */
export type Connect = (since: number | undefined, handlers: LinkHandlers) => Promise<Link>;

export interface Acked {
	clientId: string;
	seq: number;
	text: string;
}

export class ChaosMember {
	/** Every message this member's sockets were handed, by seq. */
	readonly delivered = new Map<number, ChatMessage>();
	/** Seqs handed twice (a repeat that was not the answer to a retry of ours). */
	readonly duplicates: number[] = [];
	/** Messages that arrived out of order or past a hole. */
	readonly disorder: string[] = [];
	/** What the chat acknowledged, by clientId. */
	readonly acked = new Map<string, Acked>();
	/** A clientId acknowledged as two different messages: a retry stored twice. */
	readonly conflicts: string[] = [];
	readonly stats = { sockets: 0, retries: 0, raced: 0 };
	userId: string | undefined;

	private readonly pending = new Map<string, string>();
	private link: Link | null = null;
	private lastSeq = 0;
	private sent = 0;
	private stopped = false;
	private connecting: Promise<void> | null = null;
	/** Which socket is this member's now; frames of an older one are ignored. */
	private generation = 0;

	readonly name: string;
	private readonly connect: Connect;

	constructor(name: string, connect: Connect) {
		this.name = name;
		this.connect = connect;
	}

	get unacknowledged(): number {
		return this.pending.size;
	}

	get highestSeq(): number {
		return this.lastSeq;
	}

	get online(): boolean {
		return this.link !== null;
	}

	/** Connects (again), resuming after the last seq seen, and sends every pending message again. */
	reconnect(): Promise<void> {
		this.connecting ??= this.openLink().finally(() => {
			this.connecting = null;
		});
		return this.connecting;
	}

	/** Sends a new message; with `race`, sends it a second time at once, as a hasty retry would. */
	send(race = false): { clientId: string; text: string } {
		this.sent += 1;
		const clientId = `${this.name}-${this.sent}`;
		const text = `${this.name} says ${this.sent}`;
		this.pending.set(clientId, text);
		this.transmit(clientId, text);
		if (race) {
			this.stats.raced += 1;
			this.transmit(clientId, text);
		}
		return { clientId, text };
	}

	/** Drops the socket as a network failure would; the member reconnects when told to. */
	kill(): void {
		const link = this.link;
		this.link = null;
		this.generation += 1;
		link?.kill();
	}

	stop(): void {
		this.stopped = true;
		this.kill();
	}

	private async openLink(): Promise<void> {
		if (this.stopped || this.link) return;
		const since = this.stats.sockets === 0 ? undefined : this.lastSeq;
		const generation = ++this.generation;
		let closed = false;
		let link: Link | null = null;
		link = await this.connect(since, {
			// A killed socket's frames still in flight are lost, as on a real network: none counts.
			frame: (data) => {
				if (generation === this.generation) this.receive(data);
			},
			closed: () => {
				closed = true;
				if (this.link === link) this.link = null;
			},
		});
		this.stats.sockets += 1;
		// A socket that closed while it opened is gone already; the next reconnect replaces it.
		// So is one that was killed while it opened (its frames are being ignored).
		if (closed || this.stopped || generation !== this.generation) return link.kill();
		this.link = link;
		for (const [clientId, text] of this.pending) {
			this.stats.retries += 1;
			this.transmit(clientId, text);
		}
	}

	private transmit(clientId: string, text: string): void {
		this.link?.send(JSON.stringify({ type: "send", text, clientId }));
	}

	private receive(data: string): void {
		if (data === "pong") return;
		// Read as the contract types it; the Worker suites check every frame against its schema.
		const frame = JSON.parse(data) as ServerFrame;
		if (frame.type === "ready") this.userId = frame.user.id;
		else if (frame.type === "message") this.take(frame.message);
		else if (frame.type === "error") this.refused(frame.clientId, frame.retryAfterMs);
	}

	private take(message: ChatMessage): void {
		const mine = message.user.id === this.userId && message.clientId !== undefined;
		if (mine) this.acknowledge(message);
		const seen = this.delivered.get(message.seq);
		if (seen) {
			// The one repeat the contract allows: the original, answering our retry of it.
			if (!(mine && seen.id === message.id)) this.duplicates.push(message.seq);
			return;
		}
		if (message.seq !== this.lastSeq + 1) {
			this.disorder.push(`${this.name}: seq ${message.seq} after ${this.lastSeq}`);
		}
		this.delivered.set(message.seq, message);
		this.lastSeq = Math.max(this.lastSeq, message.seq);
	}

	/** An acknowledgement that came another way: the HTTP answer to a post. */
	acknowledge(message: ChatMessage): void {
		const clientId = message.clientId ?? "";
		const earlier = this.acked.get(clientId);
		if (earlier && earlier.seq !== message.seq) {
			this.conflicts.push(`${clientId} acknowledged as ${earlier.seq} and as ${message.seq}`);
		}
		if (!earlier) this.acked.set(clientId, { clientId, seq: message.seq, text: message.text });
		this.pending.delete(clientId);
	}

	private refused(clientId: string | undefined, retryAfterMs: number | undefined): void {
		if (clientId === undefined) return;
		const text = this.pending.get(clientId);
		// A retryable refusal: the message is still ours to send, after the wait the chat named.
		if (text !== undefined && retryAfterMs !== undefined) {
			setTimeout(() => this.transmit(clientId, text), retryAfterMs);
		} else this.pending.delete(clientId);
	}
}
