/**
 * Sockets that resumed from further on than this shard has delivered. The fan-out reaches a
 * chat's objects at slightly different moments, so a client that left a shard ahead of this one
 * may resume here with `since` = S while this shard is still at U < S. Its replay is empty, and
 * the live messages U+1..S, which the client already has, must not reach that socket again.
 * An entry lasts only until the shard delivers seq S: a few milliseconds under load.
 */
export class ResumeFloors {
	private readonly floors = new Map<WebSocket, number>();

	/** Notes a socket that resumed after `since` on a shard that has delivered up to `delivered`. */
	add(socket: WebSocket, since: number, delivered: number): void {
		if (since > delivered) this.floors.set(socket, since);
	}

	/** The sockets that already have message `seq`, or null (almost always: no socket is ahead). */
	holding(seq: number): Set<WebSocket> | null {
		if (this.floors.size === 0) return null;
		const holding = new Set<WebSocket>();
		for (const [socket, floor] of this.floors) {
			if (seq <= floor) holding.add(socket);
			if (seq >= floor) this.floors.delete(socket);
		}
		return holding.size > 0 ? holding : null;
	}

	forget(socket: WebSocket): void {
		this.floors.delete(socket);
	}
}
