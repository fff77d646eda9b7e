import type { ServerFrame } from "../protocol";

/**
 * The one place a frame leaves the room for every socket. It is serialised once, not once per
 * socket. A fan-out tree spanning several objects replaces only this function.
 */
export function broadcast(sockets: Iterable<WebSocket>, frame: ServerFrame, except?: WebSocket): void {
	const data = JSON.stringify(frame);
	for (const socket of sockets) {
		if (socket === except) continue;
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
