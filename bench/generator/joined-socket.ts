import type WebSocket from "ws";

export interface JoinWatch {
	timeoutMs: number;
	/** The frame that says the socket is in the room (edgechat's `ready`); null: being open is enough. */
	readyWhen: ((data: Buffer) => boolean) | null;
	/** What the socket does once it has joined: an error, a close. */
	onLateError?: (error: Error & { code?: string }) => void;
	onLateClose?: (code: number) => void;
}

/**
 * Settles once `socket` is in the room, and only once. Before that, a refused upgrade, an error, a
 * close or the timeout rejects it and terminates the socket; after it, they go to the watch's own
 * handlers. Frames still reach whatever message listeners the caller added.
 */
export function joined(socket: WebSocket, watch: JoinWatch): Promise<void> {
	return new Promise((resolve, reject) => {
		let settled = false;
		const timer = setTimeout(() => fail(new Error("no ready frame in time")), watch.timeoutMs);
		const settle = (error?: Error) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			if (error === undefined) return resolve();
			socket.terminate();
			reject(error);
		};
		const fail = (error: Error) => settle(error);
		const { readyWhen } = watch;
		if (readyWhen === null) socket.once("open", () => settle());
		else socket.on("message", (data: Buffer) => !settled && readyWhen(data) && settle());
		socket.once("unexpected-response", (_request, response) =>
			fail(new Error(`upgrade: HTTP ${response.statusCode}`)),
		);
		socket.on("error", (error: Error & { code?: string }) => {
			if (!settled) fail(new Error(error.code ?? error.message));
			else watch.onLateError?.(error);
		});
		socket.once("close", (code: number) => {
			if (!settled) fail(new Error(`closed ${code} before joining`));
			else watch.onLateClose?.(code);
		});
	});
}
