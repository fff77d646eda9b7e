import type { SessionUser } from "../protocol";
import { broadcastData } from "./broadcast";
import { readAttachment, type SocketAttachment, writeAttachment } from "./socket-attachment";

export interface Departure {
	attachment: SocketAttachment;
	/** False for a socket that closed while the object slept: it was never counted in this instance. */
	counted: boolean;
}

/**
 * The sockets one object holds, whether it is the chat's root or one of its shards. Sockets are
 * accepted with the hibernation API; after a wake-up the set is rebuilt from the runtime and the
 * attachments, and `onRestore` lets the owner count them again without announcing anyone.
 */
export class SocketHub {
	/** Open sockets with their user ids; null until first used after a wake-up. */
	private open: Map<WebSocket, string> | null = null;
	private readonly departed = new WeakSet<WebSocket>();

	constructor(
		private readonly ctx: DurableObjectState,
		private readonly onRestore: (user: SessionUser) => void,
	) {}

	get size(): number {
		return this.sockets().size;
	}

	sockets(): Map<WebSocket, string> {
		if (this.open === null) {
			this.open = new Map();
			for (const socket of this.ctx.getWebSockets()) {
				const attachment = readAttachment(socket);
				if (!attachment) continue;
				this.open.set(socket, attachment.user.id);
				this.onRestore(attachment.user);
			}
		}
		return this.open;
	}

	/** Accepts a new socket for `user`; the caller returns `client` in its 101 response. */
	accept(user: SessionUser): { client: WebSocket; server: WebSocket } {
		const sockets = this.sockets();
		const { 0: client, 1: server } = new WebSocketPair();
		this.ctx.acceptWebSocket(server);
		writeAttachment(server, { user, connectedAt: Date.now() });
		sockets.set(server, user.id);
		return { client, server };
	}

	broadcast(data: string, exceptUser?: string, except?: Set<WebSocket> | null): void {
		broadcastData(this.sockets(), data, exceptUser, except);
	}

	/** Each open user once, with the number of sockets they hold here. */
	users(): Map<string, { user: SessionUser; sockets: number }> {
		const users = new Map<string, { user: SessionUser; sockets: number }>();
		for (const socket of this.sockets().keys()) {
			const attachment = readAttachment(socket);
			if (!attachment) continue;
			const entry = users.get(attachment.user.id);
			if (entry) entry.sockets += 1;
			else users.set(attachment.user.id, { user: attachment.user, sockets: 1 });
		}
		return users;
	}

	/** The open sockets of one user here (a kick or ban closes them). */
	socketsOf(userId: string): WebSocket[] {
		const found: WebSocket[] = [];
		for (const [socket, id] of this.sockets()) if (id === userId) found.push(socket);
		return found;
	}

	/** Counts a closed socket out, once: webSocketError may be followed by webSocketClose. */
	depart(socket: WebSocket): Departure | null {
		if (this.departed.has(socket)) return null;
		this.departed.add(socket);
		const counted = this.sockets().delete(socket);
		const attachment = readAttachment(socket);
		return attachment ? { attachment, counted } : null;
	}
}

/** Sends a socket its last frame and closes it with an application code (4000-4999). */
export function closeWith(socket: WebSocket, data: string, code: number, reason: string): void {
	try {
		socket.send(data);
		socket.close(code, reason);
	} catch {
		// Already closing.
	}
}

/** Answers the client's close frame, or it waits and finally sees 1006. */
export function answerClose(socket: WebSocket, code: number, reason: string): void {
	try {
		// 1005 and 1006 are reserved codes that must never be sent on the wire.
		socket.close(code === 1005 || code === 1006 ? 1000 : code, reason);
	} catch {
		// Already closed by the runtime.
	}
}
