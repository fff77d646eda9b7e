import type { ChatMessage, ServerFrame } from "../protocol";
import type { Change } from "../sequencer/sequencer";
import { changeFrameOf } from "./change-frames";

/** Sends one frame, already serialised, to every socket but those of `exceptUser` and `except`. */
export function broadcastData(
	sockets: Map<WebSocket, string>,
	data: string,
	exceptUser?: string,
	except?: Set<WebSocket> | null,
): void {
	for (const [socket, userId] of sockets) {
		if (userId === exceptUser || except?.has(socket)) continue;
		try {
			socket.send(data);
		} catch {
			// The socket is closing; its webSocketClose will remove it. Others must still get the frame.
		}
	}
}

export function sendFrame(socket: WebSocket, frame: ServerFrame): void {
	sendText(socket, JSON.stringify(frame));
}

/** Sends a frame already serialised; false when the socket is closing (nothing to deliver to). */
function sendText(socket: WebSocket, data: string): boolean {
	try {
		socket.send(data);
		return true;
	} catch {
		return false;
	}
}

/**
 * A socket's first frames, on whichever object admits it: `ready` (serialised by readyJson), then
 * the messages it missed, then the changes to messages it had, all before any live frame.
 */
export function greet(socket: WebSocket, ready: string, missed: ChatMessage[], changes: Change[]): void {
	if (!sendText(socket, ready)) return;
	for (const message of missed) sendFrame(socket, { type: "message", message });
	for (const change of changes) sendFrame(socket, changeFrameOf(change));
}
