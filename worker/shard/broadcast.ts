import type { ErrorCode, ErrorFrame, ServerFrame } from "../protocol";

/** Sends one frame, already serialised, to every socket but those of `exceptUser`. */
export function broadcastData(sockets: Map<WebSocket, string>, data: string, exceptUser?: string): void {
	for (const [socket, userId] of sockets) {
		if (userId === exceptUser) continue;
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

/** The error frame every refusal over a socket is built with. */
export function errorFrame(code: ErrorCode, message: string, clientId?: string): ErrorFrame {
	const frame: ErrorFrame = { type: "error", code, message };
	if (clientId !== undefined) frame.clientId = clientId;
	return frame;
}
