import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../bench/lib/ports.ts";
import type { WebhookCreated, WebhookEvent, WebhookStatus } from "../../worker/protocol/index.ts";
import { baseUrl, connectClient, createChat, unique, until } from "./helpers.ts";

/** API_KEYS in .dev.vars, which `wrangler dev` reads. */
const apiKey = { "X-API-Key": "local-development-api-key" };

interface Received {
	headers: Record<string, string>;
	body: string;
}

/** The status a receiver gives the `tries`-th attempt at one event (1 for the first); 2xx takes it. */
type Answer = (event: WebhookEvent, tries: number) => number;

/**
 * A real receiver on this machine: refuses (503) the first `refuse` attempts, then answers each
 * event as `answer` says; can be taken down (connection refused) and brought back on the same
 * port, and keeps every request it took.
 */
class Receiver {
	readonly accepted: Received[] = [];
	attempts = 0;
	private readonly tries = new Map<string, number>();
	private server: Server | null = null;
	port = 0;

	/** Requests left to leave unanswered (the consumer's timeout must end them). */
	hang = 0;

	constructor(
		private refuse: number,
		private readonly answer: Answer = () => 204,
	) {}

	get url(): string {
		return `http://127.0.0.1:${this.port}/hook`;
	}

	async start(port = 0): Promise<void> {
		const server = createServer((request, response) => {
			void readBody(request).then((body) => {
				this.attempts += 1;
				if (this.hang > 0) {
					this.hang -= 1;
					return;
				}
				if (this.refuse > 0) {
					this.refuse -= 1;
					response.writeHead(503).end("not now");
					return;
				}
				const event = JSON.parse(body) as WebhookEvent;
				const tries = (this.tries.get(event.id) ?? 0) + 1;
				this.tries.set(event.id, tries);
				const status = this.answer(event, tries);
				if (status >= 200 && status < 300) this.accepted.push({ headers: flatHeaders(request), body });
				response.writeHead(status).end();
			});
		});
		await new Promise<void>((done) => server.listen(port, "127.0.0.1", done));
		this.port = (server.address() as AddressInfo).port;
		this.server = server;
	}

	/** The texts of the message.created events taken, in the order taken. */
	acceptedTexts(): string[] {
		return this.accepted.map((request) => (JSON.parse(request.body) as MessageCreated).data.message.text);
	}

	async stop(): Promise<void> {
		const server = this.server;
		this.server = null;
		if (!server) return;
		server.closeAllConnections();
		await new Promise<void>((done) => server.close(() => done()));
	}
}

type MessageCreated = WebhookEvent & { data: { message: { text: string } } };

function flatHeaders(request: IncomingMessage): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(request.headers)) {
		if (typeof value === "string") headers[name] = value;
	}
	return headers;
}

async function readBody(request: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString("utf8");
}

async function status(chatId: string): Promise<WebhookStatus> {
	const response = await fetch(`${baseUrl}/api/chats/${chatId}/webhook`, { headers: apiKey });
	expect(response.status).toBe(200);
	return (await response.json()) as WebhookStatus;
}

/** A chat on the shared app whose message.created events go to `receiver`. */
async function chatWithWebhook(receiver: Receiver, name: string): Promise<string> {
	const chat = await createChat({ name: unique(name) });
	const put = await fetch(`${baseUrl}/api/chats/${chat.id}/webhook`, {
		method: "PUT",
		headers: { "Content-Type": "application/json", ...apiKey },
		body: JSON.stringify({ url: receiver.url, events: ["message.created"] }),
	});
	expect(put.status).toBe(200);
	return chat.id;
}

async function postAsBackend(chatId: string, text: string): Promise<void> {
	const response = await fetch(`${baseUrl}/api/chats/${chatId}/messages`, {
		method: "POST",
		headers: { "Content-Type": "application/json", ...apiKey },
		body: JSON.stringify({ text, user: { id: "acct:3", name: "Cy" } }),
	});
	expect(response.status).toBe(201);
}

const receivers: Receiver[] = [];
afterAll(async () => {
	for (const receiver of receivers) await receiver.stop();
});

describe("webhooks, delivered through the queue to a real receiver", () => {
	it("deliver every event once, in order, signed, through refusals and an outage", async () => {
		const receiver = new Receiver(3);
		receivers.push(receiver);
		await receiver.start();
		const chat = await createChat({ name: unique("hooks") });
		const put = await fetch(`${baseUrl}/api/chats/${chat.id}/webhook`, {
			method: "PUT",
			headers: { "Content-Type": "application/json", ...apiKey },
			body: JSON.stringify({
				url: `http://127.0.0.1:${receiver.port}/hook`,
				events: [
					"message.created",
					"message.deleted",
					"member.joined",
					"member.left",
					"chat.occupied",
					"chat.vacated",
				],
			}),
		});
		expect(put.status).toBe(200);
		const { secret } = (await put.json()) as WebhookCreated;

		const bot = await connectClient(chat.id, "bot");
		// member.joined is coalesced like presence frames (PRESENCE_WINDOW_MS, 250 ms): let it go out first.
		await new Promise((done) => setTimeout(done, 600));
		const texts = ["one", "two", "three", "four", "five"];
		const seqs: number[] = [];
		for (const text of texts) {
			const response = await fetch(`${baseUrl}/api/chats/${chat.id}/messages`, {
				method: "POST",
				headers: { "Content-Type": "application/json", ...apiKey },
				body: JSON.stringify({ text, user: { id: "acct:1", name: "Ada" } }),
			});
			expect(response.status).toBe(201);
			seqs.push(((await response.json()) as { message: { seq: number } }).message.seq);
		}
		// The receiver goes down after its refusals: connections are refused for a while.
		await until(() => receiver.attempts >= 3, "the refused attempts", 20_000);
		await receiver.stop();
		const deleted = await fetch(`${baseUrl}/api/chats/${chat.id}/messages/${seqs[1]}`, {
			method: "DELETE",
			headers: apiKey,
		});
		expect(deleted.status).toBe(204);
		bot.close();
		await new Promise((done) => setTimeout(done, 4000));
		const during = await status(chat.id);
		expect(during.pending).toBeGreaterThan(0);
		expect(during.lastError).not.toBeNull();
		await receiver.start(receiver.port);

		const expectedTypes = [
			"chat.occupied",
			"member.joined",
			...texts.map(() => "message.created"),
			"message.deleted",
			"chat.vacated",
			"member.left",
		];
		await until(
			() => new Set(receiver.accepted.map((r) => r.headers["webhook-id"])).size >= expectedTypes.length,
			"every event",
			60_000,
		);

		const verifier = new Webhook(secret);
		const seen = new Set<string>();
		const events: WebhookEvent[] = [];
		for (const request of receiver.accepted) {
			const event = verifier.verify(request.body, request.headers) as WebhookEvent;
			expect(event.id).toBe(request.headers["webhook-id"]);
			if (seen.has(event.id)) continue;
			seen.add(event.id);
			events.push(event);
		}
		expect(events.map((event) => event.type)).toEqual(expectedTypes);
		const createdAt = events.map((event) => event.createdAt);
		expect(createdAt).toEqual([...createdAt].sort((a, b) => a - b));
		expect(events.every((event) => event.chatId === chat.id)).toBe(true);
		const messages = events
			.filter((event) => event.type === "message.created")
			.map((event) => (event.data as { message: { text: string } }).message.text);
		expect(messages).toEqual(texts);
		expect(events.find((event) => event.type === "message.deleted")?.data).toEqual({ seq: seqs[1] });
		await until(async () => (await status(chat.id)).pending === 0, "the outbox to empty", 10_000);
		expect(await status(chat.id)).toMatchObject({ pending: 0, delivered: expectedTypes.length, failed: 0 });
	}, 120_000);

	it("retry an event the receiver answers with 4xx like any other refusal, and say so in lastError", async () => {
		const receiver = new Receiver(0, (_event, tries) => (tries === 1 ? 400 : 204));
		receivers.push(receiver);
		await receiver.start();
		const chatId = await chatWithWebhook(receiver, "hooks 4xx");
		await postAsBackend(chatId, "bad request, then fine");
		await until(async () => (await status(chatId)).delivered === 1, "the delivery after the 400", 20_000);
		expect(receiver.attempts).toBe(2);
		expect(receiver.acceptedTexts()).toEqual(["bad request, then fine"]);
		expect(await status(chatId)).toMatchObject({
			pending: 0,
			delivered: 1,
			failed: 0,
			lastError: "HTTP 400",
		});
	}, 60_000);

	it("hand an event claimed before its turn straight back, not after the lease", async () => {
		// The first attempt at "one" and at "two" is refused. While "one" waits for its retry, "two"
		// and "three" are written; they go to the queue together once "one" is delivered, so
		// "three" is claimed while "two" waits for its retry: not its turn, handed back.
		const receiver = new Receiver(0, (event, tries) =>
			tries === 1 && (event as MessageCreated).data.message.text !== "three" ? 503 : 204,
		);
		receivers.push(receiver);
		await receiver.start();
		const chatId = await chatWithWebhook(receiver, "hooks turn");
		await postAsBackend(chatId, "one");
		await until(() => receiver.attempts >= 1, "the refused first attempt", 20_000);
		await postAsBackend(chatId, "two");
		await postAsBackend(chatId, "three");
		// The lease (WEBHOOK_LEASE_MS) is 15 minutes: every event within seconds means none waited for it.
		await until(() => receiver.accepted.length === 3, "all three events", 30_000);
		expect(receiver.acceptedTexts()).toEqual(["one", "two", "three"]);
		await until(async () => (await status(chatId)).pending === 0, "the outbox to empty", 10_000);
	}, 60_000);

	it("lose nothing when the runtime restarts between the change and the delivery", async () => {
		const receiver = new Receiver(0);
		receivers.push(receiver);
		// Learn a free port, then keep the receiver down: every attempt before the restart is refused.
		await receiver.start();
		await receiver.stop();
		const state = mkdtempSync(join(tmpdir(), "edgechat-restart-"));
		const port = await freePort();
		const origin = `http://127.0.0.1:${port}`;
		let dev = await startDev(port, state);
		try {
			const chat = await (
				await fetch(`${origin}/api/chats`, {
					method: "POST",
					headers: { "Content-Type": "application/json", ...apiKey },
					body: JSON.stringify({ name: "restart" }),
				})
			).json();
			const chatId = String((chat as { id: string }).id);
			const put = await fetch(`${origin}/api/chats/${chatId}/webhook`, {
				method: "PUT",
				headers: { "Content-Type": "application/json", ...apiKey },
				body: JSON.stringify({ url: `http://127.0.0.1:${receiver.port}/hook`, events: ["message.created"] }),
			});
			const { secret } = (await put.json()) as WebhookCreated;
			const texts = ["before", "the", "restart"];
			for (const text of texts) {
				const response = await fetch(`${origin}/api/chats/${chatId}/messages`, {
					method: "POST",
					headers: { "Content-Type": "application/json", ...apiKey },
					body: JSON.stringify({ text, user: { id: "acct:2", name: "Bea" } }),
				});
				expect(response.status).toBe(201);
			}
			const statusAt = async () =>
				(await (
					await fetch(`${origin}/api/chats/${chatId}/webhook`, { headers: apiKey })
				).json()) as WebhookStatus;
			await until(async () => (await statusAt()).lastError !== null, "a refused attempt", 20_000);

			// The runtime goes away with the events in its outbox and their task in its queue.
			await stopDev(dev);
			await receiver.start(receiver.port);
			dev = await startDev(port, state);
			// Any request wakes the chat; its outbox and lease bring the events back to the queue.
			expect((await statusAt()).pending).toBe(texts.length);
			await until(
				() => new Set(receiver.accepted.map((r) => r.headers["webhook-id"])).size >= texts.length,
				"every event after the restart",
				60_000,
			);
			const verifier = new Webhook(secret);
			const seen = new Set<string>();
			const received: string[] = [];
			for (const request of receiver.accepted) {
				const event = verifier.verify(request.body, request.headers) as WebhookEvent;
				if (seen.has(event.id)) continue;
				seen.add(event.id);
				received.push((event.data as { message: { text: string } }).message.text);
			}
			expect(received).toEqual(texts);
			await until(async () => (await statusAt()).pending === 0, "the outbox to empty", 10_000);
		} finally {
			await stopDev(dev);
			rmSync(state, { recursive: true, force: true });
		}
	}, 180_000);

	it("retry a receiver that does not answer within WEBHOOK_TIMEOUT_MS", async () => {
		const receiver = new Receiver(0);
		receivers.push(receiver);
		receiver.hang = 1;
		await receiver.start();
		const state = mkdtempSync(join(tmpdir(), "edgechat-timeout-"));
		const port = await freePort();
		const origin = `http://127.0.0.1:${port}`;
		const dev = await startDev(port, state, ["WEBHOOK_TIMEOUT_MS:1000"]);
		try {
			const post = (path: string, body: unknown, method = "POST") =>
				fetch(`${origin}${path}`, {
					method,
					headers: { "Content-Type": "application/json", ...apiKey },
					body: JSON.stringify(body),
				});
			const chatId = String(
				((await (await post("/api/chats", { name: "slow" })).json()) as { id: string }).id,
			);
			await post(
				`/api/chats/${chatId}/webhook`,
				{ url: `http://127.0.0.1:${receiver.port}/hook`, events: ["message.created"] },
				"PUT",
			);
			expect(
				(await post(`/api/chats/${chatId}/messages`, { text: "patience", user: { id: "a", name: "A" } }))
					.status,
			).toBe(201);
			const statusAt = async () =>
				(await (
					await fetch(`${origin}/api/chats/${chatId}/webhook`, { headers: apiKey })
				).json()) as WebhookStatus;
			await until(async () => (await statusAt()).delivered === 1, "the delivery after the timeout", 30_000);
			expect(receiver.attempts).toBeGreaterThanOrEqual(2);
			expect((await statusAt()).lastError).toBe("timeout after 1000 ms");
			expect(receiver.accepted.map((r) => JSON.parse(r.body).data.message.text)).toEqual(["patience"]);
		} finally {
			await stopDev(dev);
			rmSync(state, { recursive: true, force: true });
		}
	}, 180_000);
});

const repo = resolve(import.meta.dirname, "../..");

/** A runtime of our own (the shared one must not restart under other tests), with a short lease. */
async function startDev(port: number, state: string, vars: string[] = []): Promise<ChildProcess> {
	const child = spawn(
		process.execPath,
		[
			join(repo, "node_modules/wrangler/bin/wrangler.js"),
			"dev",
			"--ip",
			"127.0.0.1",
			"--port",
			String(port),
			"--inspector-port",
			String(await freePort()),
			"--persist-to",
			state,
			"--show-interactive-dev-session=false",
			"--var",
			"WEBHOOK_LEASE_MS:3000",
			...vars.flatMap((entry) => ["--var", entry]),
		],
		{
			cwd: repo,
			detached: true,
			stdio: "ignore",
			env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
		},
	);
	await until(
		async () => {
			try {
				return (await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(1000) })).ok;
			} catch {
				return false;
			}
		},
		"wrangler dev to answer",
		90_000,
	);
	return child;
}

async function stopDev(child: ChildProcess): Promise<void> {
	if (child.pid === undefined || child.exitCode !== null) return;
	const exited = new Promise<void>((done) => child.once("exit", () => done()));
	for (const signal of ["SIGTERM", "SIGKILL"] as const) {
		try {
			process.kill(-child.pid, signal);
		} catch {
			// The group is gone.
		}
		if (signal === "SIGTERM") await Promise.race([exited, new Promise((done) => setTimeout(done, 8000))]);
	}
	await exited;
}
