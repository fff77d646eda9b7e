import { ApiError, type ErrorCode, errorFrameOfRefusal, type ServerFrame } from "../protocol";
import { sendFrame } from "./broadcast";
import { parseClientFrame } from "./client-frames";
import { effectOf, replyToChange, replyToPost } from "./frame-effects";
import { readAttachment, writeAttachment } from "./socket-attachment";
import type { Upstream } from "./upstream";

/**
 * One frame from one socket, in the root or in a shard: parse it, decide its effect, let the
 * sequencer carry it out, answer the sender. Bad input gets an `error` frame and the socket stays.
 * `onRefusal` hears the code of every `error` frame sent (the holder counts refusals by code).
 */
export async function handleSocketMessage(
	socket: WebSocket,
	raw: string | ArrayBuffer,
	upstream: Upstream,
	onRefusal: (code: ErrorCode) => void = () => undefined,
): Promise<void> {
	const answer = (frame: ServerFrame) => {
		if (frame.type === "error") onRefusal(frame.code);
		sendFrame(socket, frame);
	};
	const attachment = readAttachment(socket);
	if (!attachment) {
		socket.close(1011, "Session state lost; reconnect");
		return;
	}
	const parsed = parseClientFrame(raw);
	if (!parsed.ok) {
		answer(parsed.error);
		return;
	}
	const effect = effectOf(parsed.frame);
	const { user } = attachment;
	switch (effect.kind) {
		case "post": {
			const sender = { id: user.id, name: user.name };
			const outcome = await upstream.post(sender, effect.draft, attachment.bucket);
			// Read the attachment again: other frames of this socket may have moved it meanwhile.
			if (outcome.kind === "created") {
				const current = readAttachment(socket) ?? attachment;
				writeAttachment(socket, { ...current, bucket: outcome.bucket });
			}
			const reply = replyToPost(outcome, effect.clientId);
			if (reply) answer(reply);
			return;
		}
		case "typing":
			await upstream.typing({ id: user.id, name: user.name });
			return;
		case "edit":
		case "react": {
			const sender = { id: user.id, name: user.name };
			const outcome =
				effect.kind === "edit"
					? await upstream.edit(sender, effect.seq, effect.text)
					: await upstream.react(sender, effect.seq, effect.emoji);
			const reply = replyToChange(outcome);
			if (reply) answer(reply);
			return;
		}
		case "delete": {
			const reply = replyToChange(await upstream.remove(user, effect.seq));
			if (reply) answer(reply);
			return;
		}
	}
}

/**
 * The one error path of a socket handler: a refusal meant for the client becomes an `error`
 * frame and the socket stays; anything else is ours, so it is logged and the socket is closed
 * with 1011, and the client reconnects and resumes. Nothing about our internals is sent.
 */
export function answerFailure(socket: WebSocket, error: unknown, clientId?: string): void {
	if (error instanceof ApiError) {
		sendFrame(socket, errorFrameOfRefusal(error.refusal, clientId));
		return;
	}
	console.error("socket handler failed", error);
	try {
		socket.close(1011, "Internal error; reconnect");
	} catch {
		// Already closed.
	}
}
