import WebSocket from "ws";
import type { ServerFrame } from "../../worker/protocol/index.ts";
import { frameType } from "../generator/frames.ts";
import { joined } from "../generator/joined-socket.ts";
import { sourceAddress } from "../generator/room.ts";
import { MemberLedger } from "./ledger.ts";

/** What every member of the soak adds to, live: the figures of each sample. */
export interface SoakCounters {
	sent: number;
	retried: number;
	acked: number;
	delivered: number;
	typingSent: number;
	typingReceived: number;
	presenceFrames: number;
	/** Error frames, by code. */
	errors: Record<string, number>;
	/** Sockets closed by the server or the network, not by the soak. */
	unexpectedCloses: number;
}

export function newCounters(): SoakCounters {
	return {
		sent: 0,
		retried: 0,
		acked: 0,
		delivered: 0,
		typingSent: 0,
		typingReceived: 0,
		presenceFrames: 0,
		errors: {},
		unexpectedCloses: 0,
	};
}

let serial = 0;

/**
 * One user of a chat, as a real client is: a token, a socket offered as the `edgechat.v1`
 * subprotocol with the token beside it, and after a drop a new socket with `since` set to the
 * highest seq it has seen. Its ledger lives across all of its sockets.
 */
export class SoakMember {
	readonly index = serial++;
	readonly name = `soak-${this.index}`;
	ledger: MemberLedger | null = null;
	private socket: WebSocket | null = null;
	private closing = false;
	private sendCount = 0;

	private readonly wsUrl: string;
	private readonly token: string;
	private readonly counters: SoakCounters;

	constructor(wsUrl: string, token: string, counters: SoakCounters) {
		this.wsUrl = wsUrl;
		this.token = token;
		this.counters = counters;
	}

	get connected(): boolean {
		return this.socket?.readyState === WebSocket.OPEN;
	}

	/** Opens a socket (with `since` after the first) and resolves on its `ready` frame. */
	connect(timeoutMs: number): Promise<void> {
		const since = this.ledger === null ? "" : `?since=${this.ledger.lastSeq}`;
		const socket = new WebSocket(`${this.wsUrl}${since}`, ["edgechat.v1", `edgechat.token.${this.token}`], {
			perMessageDeflate: false,
			localAddress: sourceAddress(this.index),
			handshakeTimeout: timeoutMs,
		});
		this.socket = socket;
		this.closing = false;
		socket.on("message", (data: Buffer) => {
			const frame: ServerFrame = JSON.parse(data.toString());
			// The first socket's `ready` starts the ledger: the member is owed what follows it.
			if (frame.type === "ready") this.ledger ??= new MemberLedger(frame.user.id, frame.lastSeq);
			else this.onFrame(frame);
		});
		return joined(socket, {
			timeoutMs,
			readyWhen: (data) => frameType(data) === "ready",
			onLateClose: () => {
				if (!this.closing && this.socket === socket) this.counters.unexpectedCloses++;
			},
		});
	}

	private onFrame(frame: ServerFrame): void {
		const ledger = this.ledger;
		if (!ledger) return;
		switch (frame.type) {
			case "message": {
				const before = ledger.deliveries;
				const own = frame.message.clientId ? ledger.sends.get(frame.message.clientId) : undefined;
				const wasAcked = own?.seq !== null;
				ledger.receive(frame.message.seq, frame.message.user.id, frame.message.clientId);
				this.counters.delivered += ledger.deliveries - before;
				if (own && !wasAcked && own.seq !== null && frame.message.user.id === ledger.userId)
					this.counters.acked++;
				return;
			}
			case "typing":
				this.counters.typingReceived++;
				return;
			case "presence":
				this.counters.presenceFrames++;
				return;
			case "error":
				this.counters.errors[frame.code] = (this.counters.errors[frame.code] ?? 0) + 1;
				if (frame.clientId) ledger.refuse(frame.clientId, frame.code);
				return;
			default:
				return;
		}
	}

	/** Sends a new message with a clientId of its own; returns the clientId. */
	send(): string | null {
		if (!this.connected || !this.ledger) return null;
		const clientId = `${this.name}-${++this.sendCount}`;
		const text = `soak message ${clientId} at ${Date.now()}: ${"lorem ipsum ".repeat(6)}`.trim();
		this.ledger.recordSend(clientId, text);
		this.socket?.send(JSON.stringify({ type: "send", text, clientId }));
		this.counters.sent++;
		return clientId;
	}

	/** Sends `clientId` again, as a client does that saw no acknowledgement in time. */
	retry(clientId: string): void {
		const send = this.ledger?.sends.get(clientId);
		if (!this.connected || !send) return;
		this.ledger?.recordRetry(clientId);
		this.socket?.send(JSON.stringify({ type: "send", text: send.text, clientId }));
		this.counters.retried++;
	}

	typing(): void {
		if (!this.connected) return;
		this.socket?.send(JSON.stringify({ type: "typing" }));
		this.counters.typingSent++;
	}

	/** Closes the socket; `abrupt` drops it without a close handshake, as a lost network does. */
	disconnect(abrupt: boolean): void {
		this.closing = true;
		if (abrupt) this.socket?.terminate();
		else this.socket?.close(1000);
	}
}
