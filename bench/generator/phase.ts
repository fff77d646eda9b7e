import { build, type Histogram } from "hdr-histogram-js";

/**
 * The ledger of one fan-out phase: which client received which message, how late, how often.
 * Every message has a number (0..capacity-1) assigned by the generator; every client must receive
 * every sent message exactly once. One flat byte per (client, message) keeps the check O(1).
 */
let phases = 0;

export class Phase {
	/** Unique in this process: part of every clientId, which must never repeat for a user. */
	readonly id = ++phases;
	readonly capacity: number;
	readonly clients: number;
	/** Send-to-arrival time of every delivery, in microseconds. */
	readonly latency: Histogram;
	private readonly seen: Uint8Array;
	/** Which client sent each message, for in-flight accounting (-1: not sent yet). */
	readonly senderOf: Int32Array;
	/** Messages each sender has sent that it has not itself received back yet. */
	readonly inFlight: Map<number, number> = new Map();
	readonly rejected = new Set<number>();
	sent = 0;
	delivered = 0;
	duplicates = 0;
	/** Deliveries of a number never sent in this phase: a server inventing or mixing up messages. */
	strays = 0;
	bytes = 0;
	firstSendAt = 0;
	lastSendAt = 0;
	lastArrivalAt = 0;

	constructor(clients: number, capacity: number) {
		this.clients = clients;
		this.capacity = capacity;
		this.seen = new Uint8Array(clients * capacity);
		this.senderOf = new Int32Array(capacity).fill(-1);
		this.latency = build({ numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1 });
	}

	/** Records that `sender` sent message number `this.sent` now; returns that number. */
	recordSend(sender: number, atMicros: number): number {
		const message = this.sent++;
		this.senderOf[message] = sender;
		this.inFlight.set(sender, (this.inFlight.get(sender) ?? 0) + 1);
		if (message === 0) this.firstSendAt = atMicros;
		this.lastSendAt = atMicros;
		return message;
	}

	deliver(client: number, message: number, sentMicros: number, arrivedMicros: number, bytes: number): void {
		if (message < 0 || message >= this.sent || client >= this.clients) {
			this.strays++;
			return;
		}
		const slot = client * this.capacity + message;
		if (this.seen[slot] === 1) {
			this.duplicates++;
			return;
		}
		this.seen[slot] = 1;
		this.delivered++;
		this.bytes += bytes;
		this.lastArrivalAt = arrivedMicros;
		this.latency.recordValue(Math.max(1, arrivedMicros - sentMicros));
		if (this.senderOf[message] === client) this.inFlight.set(client, (this.inFlight.get(client) ?? 1) - 1);
	}

	/** The server refused this message (an error frame answered it): nobody is owed it. */
	reject(message: number): void {
		if (message < 0 || message >= this.sent || this.rejected.has(message)) return;
		this.rejected.add(message);
		const sender = this.senderOf[message] ?? -1;
		this.inFlight.set(sender, (this.inFlight.get(sender) ?? 1) - 1);
	}

	/** Deliveries owed: every accepted message to every client, sender included. */
	get expected(): number {
		return (this.sent - this.rejected.size) * this.clients;
	}

	get lost(): number {
		return this.expected - this.deliveredAccepted();
	}

	/** Deliveries of accepted messages (a rejected message should never arrive; if it did, it is not owed). */
	private deliveredAccepted(): number {
		if (this.rejected.size === 0) return this.delivered;
		let count = this.delivered;
		for (const message of this.rejected) {
			for (let client = 0; client < this.clients; client++)
				count -= this.seen[client * this.capacity + message] ?? 0;
		}
		return count;
	}

	/** Clients that missed at least one message, and the first few (client, message) gaps, for the report. */
	describeLosses(limit = 5): { clientsMissing: number; examples: string[] } {
		let clientsMissing = 0;
		const examples: string[] = [];
		for (let client = 0; client < this.clients; client++) {
			let missing = 0;
			for (let message = 0; message < this.sent; message++) {
				if (this.rejected.has(message)) continue;
				if (this.seen[client * this.capacity + message] === 0) {
					missing++;
					if (examples.length < limit) examples.push(`client ${client} missed message ${message}`);
				}
			}
			if (missing > 0) clientsMissing++;
		}
		return { clientsMissing, examples };
	}
}
