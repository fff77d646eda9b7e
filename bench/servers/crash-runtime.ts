import { join } from "node:path";
import { WebSocket } from "ws";
import type { Connect } from "../../test/chaos/member.ts";
import { freePort } from "../lib/ports.ts";
import { bundleWorker } from "./bundle.ts";
import { Child } from "./child.ts";
import type { Workspace } from "./workspace.ts";

/**
 * edgechat's bundled Worker straight in workerd (direct-host.ts, no dev proxy, no local tracing)
 * on one state directory and one port, which can be killed with SIGKILL, as a crash would, and
 * started again on the same state. The chaos suite and the bench's fault scenario use it.
 */
export class CrashableRuntime {
	private child: Child | null = null;
	private starts = 0;
	private readonly args: string[];
	private readonly workspace: Workspace;
	readonly origin: string;

	private constructor(args: string[], origin: string, workspace: Workspace) {
		this.args = args;
		this.origin = origin;
		this.workspace = workspace;
	}

	static async create(workspace: Workspace, vars: Record<string, string>): Promise<CrashableRuntime> {
		const bundle = await bundleWorker("wrangler.toml", workspace);
		const port = await freePort();
		const state = join(workspace.dir, "state");
		const args = [
			"bench/servers/direct-host.ts",
			"wrangler.toml",
			bundle,
			String(port),
			state,
			JSON.stringify(vars),
			"--api-only",
		];
		return new CrashableRuntime(args, `http://127.0.0.1:${port}`, workspace);
	}

	/** Starts the runtime on the state it had; resolves once it answers /api/health. */
	async start(): Promise<void> {
		this.starts += 1;
		const child = new Child(process.execPath, this.args, {
			cwd: this.workspace.repoRoot,
			logPath: join(this.workspace.dir, `runtime-${this.starts}.log`),
		});
		this.child = child;
		const deadline = Date.now() + 60_000;
		while (Date.now() < deadline) {
			if (child.hasExited) throw new Error(`the runtime ${child.describeExit()}:\n${child.tail()}`);
			try {
				if ((await fetch(`${this.origin}/api/health`)).ok) return;
			} catch {
				// Not listening yet.
			}
			await new Promise((done) => setTimeout(done, 50));
		}
		throw new Error(`the runtime did not start within 60 s:\n${child.tail()}`);
	}

	/** SIGKILL to the runtime and everything it started: no shutdown, no flush. */
	async kill(): Promise<void> {
		const child = this.child;
		if (!child) return;
		child.signalGroup("SIGKILL");
		await child.stop(0);
		this.child = null;
	}

	async api<T>(path: string, init: RequestInit = {}): Promise<T> {
		const response = await fetch(`${this.origin}${path}`, init);
		if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
		return response.json() as Promise<T>;
	}

	/** A member's sockets, the token as a subprotocol; refused while the runtime is down. */
	sockets(chatId: string, token: string): Connect {
		return (since, handlers) =>
			new Promise((opened, failed) => {
				const query = since === undefined ? "" : `?since=${since}`;
				const url = `${this.origin.replace("http", "ws")}/api/chats/${chatId}/ws${query}`;
				// A connection made while the runtime starts can hang; a client gives up and tries again.
				// No compression: inflating every frame of a thousand clients in one process would make
				// the load generator, not the chat, what a run measures (as in bench/generator/room.ts).
				const socket = new WebSocket(url, ["edgechat.v1", `edgechat.token.${token}`], {
					handshakeTimeout: 10_000,
					perMessageDeflate: false,
				});
				socket.on("message", (data) => handlers.frame(data.toString()));
				socket.on("close", () => handlers.closed());
				socket.on("error", failed);
				socket.on("open", () =>
					opened({ send: (frame) => socket.send(frame), kill: () => socket.terminate() }),
				);
			});
	}
}

export const jsonPost = (body: unknown): RequestInit => ({
	method: "POST",
	headers: { "Content-Type": "application/json" },
	body: JSON.stringify(body),
});
