import WebSocket from "ws";
import type { ErrorFrame } from "../../worker/protocol/index.ts";
import { nameProtocolPrefix, socketProtocol } from "../../worker/protocol/subprotocols.ts";
import type { Server } from "../servers/servers.ts";
import {
	baselineSend,
	edgechatSend,
	frameType,
	nowMicros,
	parseClientId,
	readSeq,
	readStamp,
	stamp,
} from "./frames.ts";
import { HttpClient } from "./http.ts";
import { joined } from "./joined-socket.ts";
import type { Phase } from "./phase.ts";

/** One connected bench client. */
export interface BenchClient {
	index: number;
	socket: WebSocket;
	/** edgechat only: the last message seq seen, to check that order is kept per socket. */
	lastSeq: number;
	pongs: number;
}

/** Source addresses 127.0.0.2 .. 127.0.0.251: each has its own ephemeral port range. */
const sourceAddresses = 250;

export function sourceAddress(index: number): string {
	return `127.0.0.${2 + (index % sourceAddresses)}`;
}

/** What the generator needs to know of a server: how to reach it, and whether it speaks edgechat. */
export type RoomServer = Pick<Server, "kind" | "origin">;

/** Counts of frames that are neither bench messages nor pongs, by type, since the last reset. */
export type FrameCounts = Record<string, number>;

/**
 * A room on one server as the generator sees it: how to join it, how a client sends, and where
 * every frame that arrives is accounted. edgechat rooms are joined the real way (a chat, a token
 * per client, then the WebSocket, ready frame included); the baselines have no tokens, so their
 * join is the WebSocket alone.
 */
export class Room {
	readonly server: RoomServer;
	readonly clients: BenchClient[] = [];
	phase: Phase | null = null;
	/** Frames other than messages and pongs, by type; `error:<code>` for errors. */
	otherFrames: FrameCounts = {};
	/** Bytes of those frames, by type: presence in a join storm is a large share of the traffic. */
	otherBytes: FrameCounts = {};
	pongs = 0;
	outOfOrder = 0;
	/** Bench messages that arrived when no phase was running. */
	strays = 0;
	/** performance.now() of the last frame that was not a bench message (presence, ready...). */
	lastControlFrameAt = 0;
	private chat: { id: string; ownerKey: string } | null = null;
	/** Set while the bench itself closes the clients, whose close events are then expected. */
	private closing = false;
	readonly name: string;
	/** Token requests; closed after each join so that its connections do not count as sockets. */
	readonly http = new HttpClient();
	/** Socket URLs issued ahead of the join by issueTokens, by client index. */
	private readonly issued = new Map<number, string>();

	constructor(server: RoomServer, name: string) {
		this.server = server;
		this.name = name;
	}

	get isEdgechat(): boolean {
		return this.server.kind === "edgechat";
	}

	/** Creates the chat (edgechat); the baselines' rooms exist as soon as someone connects. */
	async open(): Promise<void> {
		if (!this.isEdgechat) return;
		const response = await fetch(`${this.server.origin}/api/chats`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ name: this.name, owner: "bench" }),
			signal: AbortSignal.timeout(15_000),
		});
		if (response.status !== 201)
			throw new Error(`POST /api/chats answered ${response.status}: ${await response.text()}`);
		const created: unknown = await response.json();
		const id = field(created, "id");
		const ownerKey = field(created, "ownerKey");
		if (id === null || ownerKey === null) throw new Error("POST /api/chats: no id or ownerKey in the answer");
		this.chat = { id, ownerKey };
	}

	get chatId(): string | null {
		return this.chat?.id ?? null;
	}

	get ownerKey(): string | null {
		return this.chat?.ownerKey ?? null;
	}

	/**
	 * Asks the API for the tokens of clients `from` .. `from + count - 1` now, `concurrency` at a
	 * time, so that their join is the WebSocket alone: the idle scenario weighs what a connection
	 * holds apart from what issuing its token (an HTTP request) left behind. Baselines have no tokens.
	 */
	async issueTokens(from: number, count: number, concurrency: number): Promise<void> {
		if (!this.chat) return;
		let next = from;
		const worker = async () => {
			while (next < from + count) {
				const index = next++;
				this.issued.set(index, await this.tokenUrl(index));
			}
		};
		await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
		this.http.close();
	}

	/**
	 * Where client `index` connects, and with which subprotocols. An edgechat client joins as a
	 * browser's first visit does: one upgrade carrying its name, the token coming back in `ready`
	 * (unless issueTokens asked for its token ahead). Baselines take the socket alone.
	 */
	async socketTarget(index: number): Promise<{ url: string; protocols: string[] }> {
		const prepared = this.issued.get(index);
		if (prepared !== undefined) {
			this.issued.delete(index);
			return { url: prepared, protocols: [] };
		}
		const ws = this.server.origin.replace(/^http/, "ws");
		if (!this.chat) return { url: `${ws}/rooms/${encodeURIComponent(this.name)}/ws`, protocols: [] };
		const name = Buffer.from(`bench-${index}`, "utf8").toString("base64url");
		return {
			url: `${ws}/api/chats/${this.chat.id}/ws`,
			protocols: [socketProtocol, `${nameProtocolPrefix}${name}`],
		};
	}

	/** A socket URL with a token asked of the API first: the two-step join. */
	private async tokenUrl(index: number): Promise<string> {
		const ws = this.server.origin.replace(/^http/, "ws");
		if (!this.chat) return `${ws}/rooms/${encodeURIComponent(this.name)}/ws`;
		const issued = await this.http.postJson(
			`${this.server.origin}/api/chats/${this.chat.id}/tokens`,
			{ name: `bench-${index}` },
			30_000,
		);
		if (issued.status !== 201) throw new Error(`token: HTTP ${issued.status}`);
		const token = field(issued.body, "token");
		if (token === null) throw new Error("token: no token in the answer");
		return `${ws}/api/chats/${this.chat.id}/ws?token=${encodeURIComponent(token)}`;
	}

	/**
	 * Connects client `index`; resolves once it is in the room: after `ready` on edgechat (the room
	 * has accepted the socket and counted it in presence), on open for the baselines.
	 */
	async join(index: number, timeoutMs: number): Promise<BenchClient> {
		const { url, protocols } = await this.socketTarget(index);
		const socket = new WebSocket(url, protocols, {
			perMessageDeflate: false,
			localAddress: sourceAddress(index),
			handshakeTimeout: timeoutMs,
			skipUTF8Validation: true,
		});
		const client: BenchClient = { index, socket, lastSeq: 0, pongs: 0 };
		socket.on("message", (data: Buffer, isBinary: boolean) => this.onFrame(client, data, isBinary));
		await joined(socket, {
			timeoutMs,
			readyWhen: this.isEdgechat ? (data) => frameType(data) === "ready" : null,
			onLateError: (error) => {
				if (!this.closing) this.count(`socket-error:${error.code ?? error.message}`);
			},
			onLateClose: (code) => {
				if (!this.closing) this.count(`closed:${code}`);
			},
		});
		return client;
	}

	/** The frame client `sender` sends for message `message`, stamped now. */
	frameFor(message: number, sender: number, sentMicros: number): string {
		const phase = this.phase?.id ?? 0;
		return this.isEdgechat
			? edgechatSend(phase, message, sentMicros)
			: baselineSend(phase, message, sentMicros, sender);
	}

	private onFrame(client: BenchClient, data: Buffer, isBinary: boolean): void {
		const arrived = nowMicros();
		if (isBinary) {
			this.count("binary");
			return;
		}
		if (readStamp(data)) {
			if (this.isEdgechat) {
				const seq = readSeq(data);
				if (seq <= client.lastSeq) this.outOfOrder++;
				else client.lastSeq = seq;
			}
			if (this.phase) this.phase.deliver(client.index, stamp.message, stamp.sentMicros, arrived, data.length);
			else this.strays++;
			return;
		}
		const type = frameType(data);
		if (type === "pong") {
			client.pongs++;
			this.pongs++;
			return;
		}
		if (type === "error") {
			this.onError(data);
			return;
		}
		this.count(type, data.length);
	}

	private onError(data: Buffer): void {
		const frame: ErrorFrame = JSON.parse(data.toString());
		this.count(`error:${frame.code}`);
		const answered = parseClientId(frame.clientId);
		if (answered && answered.phase === this.phase?.id) this.phase.reject(answered.message);
	}

	private count(type: string, bytes = 0): void {
		this.otherFrames[type] = (this.otherFrames[type] ?? 0) + 1;
		if (bytes > 0) this.otherBytes[type] = (this.otherBytes[type] ?? 0) + bytes;
		this.lastControlFrameAt = performance.now();
	}

	/** Waits until no presence (or other control) frame has arrived for `quietMs`, at most `maxMs`. */
	async settle(quietMs: number, maxMs: number): Promise<boolean> {
		const end = performance.now() + maxMs;
		while (performance.now() < end) {
			if (performance.now() - this.lastControlFrameAt >= quietMs) return true;
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		return false;
	}

	/** Closes every client at once (no close handshake: the bench is done with them). */
	closeAll(): void {
		this.closing = true;
		this.http.close();
		for (const client of this.clients) client.socket.terminate();
		this.clients.length = 0;
	}
}

/** A string property of a JSON value, or null. */
export function field(value: unknown, name: string): string | null {
	if (typeof value !== "object" || value === null || !(name in value)) return null;
	const property: unknown = Reflect.get(value, name);
	return typeof property === "string" ? property : null;
}
