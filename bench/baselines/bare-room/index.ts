import { DurableObject } from "cloudflare:workers";
import { PresenceFrames } from "./presence-frames";

interface BareEnv {
	BARE_ROOM: DurableObjectNamespace<BareRoom>;
	/** "1": write each frame to SQLite before sending it on (the durable variant). */
	STORE_FRAMES?: string;
	/** "1": send each socket one frame when it connects, as a chat room's welcome does. */
	GREET_SOCKETS?: string;
	/** "1": greet with who is online and announce comings and goings (presence-frames.ts). */
	PRESENCE_FRAMES?: string;
}

/** As long as edgechat's `ready` for a bench client: the user, and nothing about the room. */
const greeting = JSON.stringify({
	type: "ready",
	user: { id: "u000000000000000", name: "bench-0000", role: "member" },
	chat: { id: "bench-room-0000000000", name: "bench-room", visibility: "public", history: true },
	online: [],
	onlineCount: 1,
	lastSeq: 0,
});

/**
 * The least a chat room on this platform can do: accept hibernatable WebSockets and send every
 * frame it receives to every socket, sender included. No storage on the hot path, no parsing.
 * edgechat's figures are ratios against this room in the same run.
 *
 * With STORE_FRAMES=1 it also inserts each frame as one row before sending it on: the least a
 * room that keeps its messages can do. The runtime then holds the sends until the write has
 * committed (the output gate), as it does for edgechat's messages.
 *
 * POST /rooms/:name/close closes every socket of the room with 4001 after one last frame, as a
 * kick closes a chat's socket (bench/baselines/close-timing.ts times how the close ends).
 *
 * With PRESENCE_FRAMES=1 it greets with who is online and announces who comes and goes, as a
 * chat's presence does (presence-frames.ts).
 *
 * With GREET_SOCKETS=1 it sends each new socket one small frame: the least a room that welcomes
 * its clients can do. An idle socket that has never carried a frame costs the runtime less memory
 * than one that has, and every chat protocol says something first.
 */
export class BareRoom extends DurableObject<BareEnv> {
	/** Events handled since this instance was constructed (a hibernated room starts again at 0). */
	private eventsSinceWake = 0;
	private readonly storesFrames: boolean;
	private readonly greetsSockets: boolean;
	private readonly presence: PresenceFrames | null;

	constructor(ctx: DurableObjectState, env: BareEnv) {
		super(ctx, env);
		// Same as edgechat: the runtime answers heartbeats itself, so pings never wake the room.
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
		// Counting constructions in storage tells the bench whether the room hibernated and how
		// often it woke; memory does not survive hibernation, the database does.
		ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS wakes (id INTEGER PRIMARY KEY, count INTEGER NOT NULL)");
		ctx.storage.sql.exec(
			"INSERT INTO wakes (id, count) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET count = count + 1",
		);
		this.storesFrames = env.STORE_FRAMES === "1";
		this.greetsSockets = env.GREET_SOCKETS === "1";
		this.presence = env.PRESENCE_FRAMES === "1" ? new PresenceFrames(() => ctx.getWebSockets()) : null;
		if (this.storesFrames)
			ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS frames (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)");
	}

	override async fetch(request: Request): Promise<Response> {
		this.eventsSinceWake++;
		if (request.method === "POST" && new URL(request.url).pathname.endsWith("/close")) {
			// As a kick closes a chat's socket: from a request other than the socket's own events.
			for (const socket of this.ctx.getWebSockets()) {
				socket.send('{"type":"error","code":"kicked"}');
				socket.close(4001, "kicked");
			}
			return new Response(null, { status: 204 });
		}
		if (request.headers.get("Upgrade") === "websocket") {
			const pair = new WebSocketPair();
			this.ctx.acceptWebSocket(pair[1]);
			if (this.presence) this.presence.greet(pair[1]);
			else if (this.greetsSockets) pair[1].send(greeting);
			return new Response(null, { status: 101, webSocket: pair[0] });
		}
		const wakes = this.ctx.storage.sql
			.exec<{ count: number }>("SELECT count FROM wakes WHERE id = 1")
			.one().count;
		return Response.json({
			constructions: wakes,
			// 1 means this very request woke the room: it was hibernated (or never started) before.
			eventsSinceWake: this.eventsSinceWake,
			sockets: this.ctx.getWebSockets().length,
		});
	}

	override webSocketMessage(_ws: WebSocket, message: string | ArrayBuffer): void {
		this.eventsSinceWake++;
		if (this.storesFrames) this.ctx.storage.sql.exec("INSERT INTO frames (body) VALUES (?)", message);
		for (const socket of this.ctx.getWebSockets()) socket.send(message);
	}

	override webSocketClose(ws: WebSocket, code: number, reason: string): void {
		this.eventsSinceWake++;
		this.presence?.closed(ws);
		// Answer the close handshake, or the client sees 1006 instead of its own code. 1005 and
		// 1006 are reserved: they report a close, they are never sent.
		try {
			ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
		} catch {
			// Already closed by the runtime.
		}
	}
}

export default {
	fetch(request: Request, env: BareEnv): Response | Promise<Response> {
		const match = /^\/rooms\/([\w-]{1,64})\/(ws|stats|close)$/.exec(new URL(request.url).pathname);
		if (!match?.[1]) return new Response("not found", { status: 404 });
		return env.BARE_ROOM.getByName(match[1]).fetch(request);
	},
} satisfies ExportedHandler<BareEnv>;
