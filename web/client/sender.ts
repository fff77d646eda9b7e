import type { ErrorFrame, SendFrame } from "../../worker/protocol/index.ts";
import { limits } from "../../worker/protocol/limits.ts";
import { normalizeLineBreaks } from "../../worker/protocol/text.ts";
import type { ChatClientEvents, ChatClientOptions } from "./client-types.ts";
import type { Emit } from "./emitter.ts";
import { encodeClientFrame, newClientId } from "./frames.ts";
import { Outbox, type PendingSend, type SendExtras } from "./outbox.ts";

/** A send refused with `rate_limited` by a server that names no `retryAfterMs` is tried again after this long. */
const rateLimitRetryMs = 2500;

/** The client's options about sending (see ChatClientOptions), unset ones defaulted. */
export type SenderOptions = Pick<ChatClientOptions, "ackTimeoutMs" | "typingIntervalMs" | "pending">;

/** The link the sends go out on. */
export interface SenderLink {
	/** Whether the link is live (`ready` came on the current socket). */
	live: () => boolean;
	/** Puts a frame on the socket; false when there is no open one. */
	transmit: (text: string) => boolean;
	emit: Emit<ChatClientEvents>;
}

/**
 * What the user puts on the socket: sends, kept in the outbox and repeated with their clientId
 * until the server echoes them (or refuses them for good), and throttled typing notices.
 */
export class Sender {
	readonly #outbox = new Outbox();
	readonly #link: SenderLink;
	readonly #ackTimeoutMs: number;
	readonly #typingIntervalMs: number;
	#lastTypingAt = Number.NEGATIVE_INFINITY;

	constructor(options: SenderOptions, link: SenderLink) {
		this.#link = link;
		this.#ackTimeoutMs = options.ackTimeoutMs ?? 5000;
		this.#typingIntervalMs = options.typingIntervalMs ?? 2000;
		// Sends written before a reload go out again with their own clientIds: stored once, never twice.
		for (const pending of options.pending ?? [])
			this.#outbox.add(pending.clientId, pending.text, pending.createdAt, pending);
	}

	/** Sends not yet acknowledged by the server, oldest first. */
	get pending(): PendingSend[] {
		return this.#outbox.list();
	}

	send(text: string, extras: SendExtras = {}): PendingSend {
		// As the server stores it (docs/API.md, Limits), so the pending text is what the echo says.
		const trimmed = normalizeLineBreaks(text).trim();
		const length = [...trimmed].length;
		const files = extras.attachments?.length ?? 0;
		if (files > limits.attachmentsMax) {
			throw new RangeError(`a message carries at most ${limits.attachmentsMax} attachments`);
		}
		if ((extras.mentions?.length ?? 0) > limits.mentionsMax) {
			throw new RangeError(`a message may mention at most ${limits.mentionsMax} users`);
		}
		if ((length === 0 && files === 0) || length > limits.textMax) {
			throw new RangeError(
				`message text must be 1 to ${limits.textMax} characters (it may be empty with attachments)`,
			);
		}
		const pending = this.#outbox.add(newClientId(), trimmed, Date.now(), extras);
		this.flush(Date.now());
		// The message ends the typing it announced: the next keystroke starts a new notice at once.
		this.#lastTypingAt = Number.NEGATIVE_INFINITY;
		return pending;
	}

	typing(): void {
		const now = Date.now();
		if (!this.#link.live() || now - this.#lastTypingAt < this.#typingIntervalMs) return;
		this.#lastTypingAt = now;
		this.#link.transmit(encodeClientFrame({ type: "typing" }));
	}

	/** Puts what is due on the socket: new sends, and those unanswered for `ackTimeoutMs`. */
	flush(now: number): void {
		if (!this.#link.live()) return;
		for (const pending of this.#outbox.due(now, this.#ackTimeoutMs)) {
			if (!this.#link.transmit(encodeClientFrame(sendFrameOf(pending)))) return;
			this.#outbox.markSent(pending.clientId, now);
		}
	}

	/** The server echoed our message: it is stored. */
	acknowledge(clientId: string): void {
		this.#outbox.acknowledge(clientId);
	}

	/** The server refused a send: it waits when told to, and is dropped (`rejected`) otherwise. */
	refused(frame: ErrorFrame & { clientId: string }): void {
		const { clientId } = frame;
		const pending = this.#outbox.list().find((entry) => entry.clientId === clientId);
		if (!pending) return;
		// Slow mode, like a rate limit, says when to try again: the send waits, it is not refused.
		if (frame.code === "rate_limited" || frame.code === "slow_mode") {
			this.#outbox.defer(clientId, Date.now(), frame.retryAfterMs ?? rateLimitRetryMs);
		} else {
			this.#outbox.drop(clientId);
			this.#link.emit("rejected", { pending, code: frame.code, message: frame.message });
		}
	}

	/** The socket is gone: whatever was sent on it must go out again on the next one. */
	socketLost(): void {
		this.#outbox.socketLost();
	}
}

/** The `send` frame of a pending send, with what it carries besides its text. */
function sendFrameOf(pending: PendingSend): SendFrame {
	const { text, clientId, replyTo, mentions, attachments } = pending;
	return {
		type: "send",
		text,
		clientId,
		...(replyTo !== undefined && { replyTo }),
		...(mentions && { mentions: [...mentions] }),
		...(attachments && { attachments: [...attachments] }),
	};
}
