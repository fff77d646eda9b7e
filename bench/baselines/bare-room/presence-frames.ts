/**
 * What a room that shows who is online sends, and nothing else of a chat: each new socket gets a
 * `ready`-shaped frame listing up to 100 of the users online (as edgechat's does), and every
 * socket gets one `presence` frame per 250 ms window naming who came and went. The churn floor
 * (bench/soak/churn-floor.ts) runs it to tell the memory the runtime keeps for the frames a chat
 * sends from what edgechat keeps of its own.
 */
const windowMs = 250;
const listed = 100;

interface Member {
	id: string;
	name: string;
}

export class PresenceFrames {
	private readonly online = new Map<WebSocket, Member>();
	private joined: Member[] = [];
	private left: Member[] = [];
	private timer: ReturnType<typeof setTimeout> | null = null;
	private count = 0;

	constructor(private readonly sockets: () => WebSocket[]) {}

	/** The new socket's greeting, after which its user is announced with the window's others. */
	greet(socket: WebSocket): void {
		this.count += 1;
		const member = { id: `u${String(this.count).padStart(15, "0")}`, name: "churner" };
		this.online.set(socket, member);
		const online = [...this.online.values()].slice(0, listed);
		socket.send(
			JSON.stringify({
				type: "ready",
				user: { ...member, role: "member" },
				chat: { id: "bench-room-0000000000", name: "bench-room", visibility: "public", history: true },
				onlineCount: this.online.size,
				lastSeq: 0,
				rev: 0,
				online,
			}),
		);
		this.joined.push(member);
		this.schedule();
	}

	closed(socket: WebSocket): void {
		const member = this.online.get(socket);
		if (!member) return;
		this.online.delete(socket);
		this.left.push(member);
		this.schedule();
	}

	private schedule(): void {
		this.timer ??= setTimeout(() => this.announce(), windowMs);
	}

	private announce(): void {
		this.timer = null;
		const frame = JSON.stringify({
			type: "presence",
			joined: this.joined,
			left: this.left,
			online: this.online.size,
		});
		this.joined = [];
		this.left = [];
		for (const socket of this.sockets()) {
			try {
				socket.send(frame);
			} catch {
				// Closing: it will be counted out by its close.
			}
		}
	}
}
