import type { ServerFrame } from "../protocol";

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
	try {
		socket.send(JSON.stringify(frame));
	} catch {
		// Closing socket: nothing to deliver to.
	}
}
