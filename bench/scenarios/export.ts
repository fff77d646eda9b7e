import { processTree, sampleTree } from "../lib/proc.ts";
import { benchApiKey } from "../servers/edgechat-config.ts";
import { type Server, startServer } from "../servers/servers.ts";
import { heading, type RunContext } from "./context.ts";
import { measureBounded } from "./in-room.ts";

export interface ExportPlan {
	id: string;
	title: string;
	messages: number;
	/** Sends in flight while seeding over one WebSocket (each acknowledged by its echo). */
	seedWindow: number;
	deadlineMs: number;
}

export interface ExportRun {
	scenario: string;
	server: string;
	messages: number;
	seedSeconds: number;
	exportedMessages: number;
	exportSeconds: number;
	messagesPerSecond: number;
	bytes: number;
	/** Resident memory of the runtime (workerd processes) just before the export, and its peak during it. */
	runtimeRssBeforeBytes: number;
	runtimeRssPeakBytes: number;
	errors: string[];
}

const memoryEveryMs = 100;

/**
 * A chat of `messages` messages, posted through the API, then exported whole as NDJSON:
 * messages per second of the stream, and the runtime's peak memory while it streams (which must
 * stay flat whatever the log's size: the export pulls one page at a time).
 */
export async function runExport(plan: ExportPlan, context: RunContext): Promise<ExportRun> {
	// Retention must keep the whole log; the bench's own vars already lift the rate limit.
	const server = await startServer(
		{
			kind: "edgechat",
			transport: "direct",
			apiOnly: true,
			vars: { MESSAGE_RETENTION: String(plan.messages * 2) },
		},
		context.workspace,
	);
	const title = heading(plan.id, server.label);
	const run: ExportRun = {
		scenario: plan.id,
		server: server.label,
		messages: 0,
		seedSeconds: 0,
		exportedMessages: 0,
		exportSeconds: 0,
		messagesPerSecond: 0,
		bytes: 0,
		runtimeRssBeforeBytes: 0,
		runtimeRssPeakBytes: 0,
		errors: [],
	};
	await measureBounded(server, title, plan.deadlineMs, run.errors, measure);
	return run;

	async function measure(server: Server): Promise<void> {
		const chat = await call(server, "/api/chats", { name: "export bench", owner: "bench" });
		const chatId = String(Reflect.get(chat, "id"));
		const seedStart = performance.now();
		await seedOverSocket(server, chatId, plan, (done) =>
			context.progress.update(`${title} · seeding ${done}/${plan.messages}`),
		);
		run.seedSeconds = (performance.now() - seedStart) / 1000;
		run.messages = plan.messages;

		const runtimeRss = () => {
			let bytes = 0;
			for (const process of sampleTree(processTree(server.child.pid)).byPid.values()) {
				if (process.name.includes("workerd")) bytes += process.rssBytes;
			}
			return bytes;
		};
		run.runtimeRssBeforeBytes = runtimeRss();
		let peak = run.runtimeRssBeforeBytes;
		const sampler = setInterval(() => {
			peak = Math.max(peak, runtimeRss());
		}, memoryEveryMs);
		const began = performance.now();
		try {
			const response = await fetch(`${server.origin}/api/chats/${chatId}/export?format=ndjson`, {
				headers: { "X-API-Key": benchApiKey },
			});
			if (!response.ok || !response.body) throw new Error(`export: HTTP ${response.status}`);
			const reader = response.body.getReader();
			for (;;) {
				const { value, done } = await reader.read();
				if (done) break;
				run.bytes += value.byteLength;
				for (const byte of value) if (byte === 10) run.exportedMessages += 1;
				peak = Math.max(peak, runtimeRss());
			}
		} finally {
			clearInterval(sampler);
		}
		run.exportSeconds = (performance.now() - began) / 1000;
		run.messagesPerSecond = run.exportedMessages / run.exportSeconds;
		run.runtimeRssPeakBytes = peak;
		if (run.exportedMessages !== plan.messages) {
			run.errors.push(`exported ${run.exportedMessages} messages, expected ${plan.messages}`);
		}
		context.progress.log(
			`${title}: ${run.exportedMessages} messages in ${run.exportSeconds.toFixed(1)} s ` +
				`(${Math.round(run.messagesPerSecond)} msg/s), runtime RSS ${mb(run.runtimeRssBeforeBytes)} → peak ${mb(peak)}`,
		);
	}
}

/**
 * Posts the log through one socket of a bot user, `seedWindow` sends in flight: the room's own
 * path for every message (validation, seq, the SQLite append), without an HTTP request each.
 */
async function seedOverSocket(
	server: Server,
	chatId: string,
	plan: ExportPlan,
	progress: (done: number) => void,
): Promise<void> {
	const issued = await call(server, `/api/chats/${chatId}/tokens`, {
		user: { id: "bench-seed", name: "seed" },
	});
	const token = String(Reflect.get(issued, "token"));
	const url = `${server.origin.replace(/^http/, "ws")}/api/chats/${chatId}/ws`;
	const socket = new WebSocket(url, ["edgechat.v1", `edgechat.token.${token}`]);
	let sent = 0;
	let acknowledged = 0;
	await new Promise<void>((done, fail) => {
		const sendMore = () => {
			while (sent < plan.messages && sent - acknowledged < plan.seedWindow) {
				sent += 1;
				socket.send(JSON.stringify({ type: "send", text: `message ${sent}`, clientId: `seed-${sent}` }));
			}
		};
		socket.addEventListener("message", (event) => {
			const frame: unknown = JSON.parse(String(event.data));
			const type = typeof frame === "object" && frame !== null ? Reflect.get(frame, "type") : undefined;
			if (type === "ready") sendMore();
			else if (type === "message") {
				acknowledged += 1;
				if (acknowledged % 10_000 === 0) progress(acknowledged);
				if (acknowledged >= plan.messages) done();
				else sendMore();
			} else if (type === "error") fail(new Error(`seeding refused: ${String(event.data)}`));
		});
		socket.addEventListener("close", () => {
			if (acknowledged < plan.messages) fail(new Error(`socket closed after ${acknowledged} messages`));
		});
	});
	socket.close(1000, "seeded");
}

async function call(server: Server, path: string, body: unknown): Promise<object> {
	const response = await fetch(`${server.origin}${path}`, {
		method: "POST",
		headers: { "Content-Type": "application/json", "X-API-Key": benchApiKey },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(60_000),
	});
	if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
	const value: unknown = await response.json();
	if (typeof value !== "object" || value === null) throw new Error(`${path}: not a JSON object`);
	return value;
}

function mb(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}
