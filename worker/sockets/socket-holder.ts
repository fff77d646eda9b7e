import type { FanoutEvent } from "../fanout/fanout-batch";
import type { ChatMessage, ErrorCode, ModerationFrame, SessionUser, UserRef } from "../protocol";
import type { Change } from "../sequencer/sequencer";
import { greet } from "./broadcast";
import { closeForDeletedChat, closeSocketsFor } from "./closing";
import { frameOfEvent, senderOf } from "./event-frames";
import { LocalPresence, type PresenceDelta } from "./local-presence";
import { ResumeFloors } from "./resume-floors";
import { answerClose, type Departure, SocketHub } from "./socket-hub";
import { answerFailure, handleSocketMessage } from "./socket-messages";
import type { Upstream } from "./upstream";

/** A new socket's first frames: `ready`, what it missed, and the changes to what it had. */
export interface Greeting {
	/** The `ready` frame, serialised (readyJson). */
	ready: string;
	missed: ChatMessage[];
	changes: Change[];
}

export interface HolderOptions {
	/** How often this object reports who it holds (0: at once, as the root does to itself). */
	presenceWindowMs: number;
	report: (delta: PresenceDelta) => void;
	/** The socket count last reported, kept over restarts by an object that reports over RPC. */
	reportedSockets?: number;
	/** A socket found again after a wake-up (hibernation), beside being counted here. */
	restored?: (user: UserRef) => void;
	/** Every `error` frame sent, by code (the holder's events count them). */
	refused?: (code: ErrorCode) => void;
}

/**
 * What every object that holds a chat's sockets does, the root (shard zero) and each shard
 * alike: it accepts and greets them, tells who it holds (LocalPresence), shows them what the
 * chat fans out, hands what they send to the chat's write face, and counts them out when they
 * close. The objects differ only in where the greeting's data and the fan-out come from.
 */
export class SocketHolder {
	readonly hub: SocketHub;
	readonly presence: LocalPresence;
	private readonly floors = new ResumeFloors();

	constructor(
		ctx: DurableObjectState,
		private readonly options: HolderOptions,
	) {
		this.presence = new LocalPresence(options.presenceWindowMs, options.report, options.reportedSockets);
		this.hub = new SocketHub(ctx, (user) => {
			this.presence.restore(user);
			options.restored?.(user);
		});
	}

	get size(): number {
		return this.hub.size;
	}

	/** Sockets held through a hibernation are found again before anything else is done with them. */
	wake(): void {
		this.hub.sockets();
	}

	/**
	 * Accepts `user`'s socket and greets it. `since` is where a resuming client left off and
	 * `delivered` the last seq this object has sent its sockets: a client ahead of it must not get
	 * those messages twice. The greeting is built after the user is counted here, so `ready` lists
	 * them online. `protocol` is the subprotocol the 101 names (answeredProtocol), if any.
	 */
	admit(
		user: SessionUser,
		since: number | null,
		delivered: number,
		protocol: string | null,
		greeting: () => Greeting,
	): Response {
		const { client, server } = this.hub.accept(user);
		if (since !== null) this.floors.add(server, since, delivered);
		this.presence.join(user);
		const { ready, missed, changes } = greeting();
		// The greeting goes out before any live frame: the caller admits in line with the fan-out.
		greet(server, ready, missed, changes);
		// Named here, not by the Worker: a Response rebuilt there to add it cost every join one more.
		const headers = protocol === null ? undefined : { "Sec-WebSocket-Protocol": protocol };
		return new Response(null, { status: 101, webSocket: client, headers });
	}

	/** An event of the chat, shown to every socket here; a kick or ban closes its user's sockets. */
	emit(event: FanoutEvent): void {
		const frame = frameOfEvent(event);
		if (frame) {
			const holding = event.kind === "message" ? this.floors.holding(event.message.seq) : null;
			this.hub.broadcast(JSON.stringify(frame), senderOf(event), holding);
		}
		if (event.kind === "moderation") this.disconnect(event.frame);
	}

	/** One frame from a socket: its effect goes to the chat's write face; bad input gets an `error` frame. */
	async message(socket: WebSocket, raw: string | ArrayBuffer, upstream: Upstream): Promise<void> {
		this.wake();
		try {
			await handleSocketMessage(socket, raw, upstream, this.options.refused);
		} catch (error) {
			answerFailure(socket, error);
		}
	}

	/** The client closed (or the connection failed): counted out once, and its close answered. */
	closed(socket: WebSocket, code?: number, reason?: string): Departure | null {
		const departure = this.depart(socket);
		if (code !== undefined) answerClose(socket, code, reason ?? "");
		return departure;
	}

	/** The chat was deleted: every socket here gets `chat_deleted` and closes with 4004. */
	closeAll(): void {
		for (const socket of closeForDeletedChat(this.hub)) this.depart(socket);
	}

	private disconnect(frame: ModerationFrame): void {
		for (const socket of closeSocketsFor(this.hub, frame)) this.depart(socket);
	}

	private depart(socket: WebSocket): Departure | null {
		this.floors.forget(socket);
		const departure = this.hub.depart(socket);
		if (departure) this.presence.leave(departure.attachment.user, departure.counted);
		return departure;
	}
}
