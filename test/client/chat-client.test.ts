import { describe, expect, it } from "vitest";
import { ApiError, ChatClient } from "../../web/client/index.ts";
import { limits } from "../../worker/protocol/limits.ts";
import { api, baseUrl, unique, until, withTimeout } from "../e2e/helpers.ts";
import { clientsOfEachTest, recordMessages } from "./test-clients.ts";

/** ChatClient from Node against the real app (wrangler dev, started by the e2e global setup). */

const clients = clientsOfEachTest({ backoff: { baseMs: 100, maxMs: 1000 } });

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe("ChatClient against the running app", () => {
	it("sends with a clientId and settles when the echo with that clientId arrives", async () => {
		const chat = await api.createChat({ name: unique("Client echo") });
		const client = await clients.join(chat.id, "echo");
		const received = recordMessages(client);
		const pending = client.send("  hello from node  ");
		expect(pending.text).toBe("hello from node");
		expect(client.pending.map((entry) => entry.clientId)).toEqual([pending.clientId]);
		await until(() => received.length === 1, "the echo");
		expect(received[0]).toMatchObject({ text: "hello from node", clientId: pending.clientId, seq: 1 });
		expect(client.pending).toEqual([]);
	});

	it("keeps as pending exactly the text the server will store and echo (line breaks as LF)", async () => {
		const chat = await api.createChat({ name: unique("Client line breaks") });
		const client = await clients.join(chat.id, "windows bot");
		const received = recordMessages(client);
		const pending = client.send(" one\r\ntwo\rthree ");
		expect(pending.text).toBe("one\ntwo\nthree");
		await until(() => received.length === 1, "the echo");
		expect(received[0]?.text).toBe(pending.text);
	});

	it("reports a text the server refuses (a bidi override) as rejected, and sends it no more", async () => {
		const chat = await api.createChat({ name: unique("Client refused text") });
		const client = await clients.join(chat.id, "spoofer");
		const rejected: string[] = [];
		client.on("rejected", ({ pending, code }) => rejected.push(`${pending.clientId} ${code}`));
		const pending = client.send("invoice\u202Efdp.exe");
		await until(() => rejected.length === 1, "the refusal");
		expect(rejected).toEqual([`${pending.clientId} bad_request`]);
		expect(client.pending).toEqual([]);
	});

	it("resumes after a socket cut with exactly the messages it missed, in order", async () => {
		const chat = await api.createChat({ name: unique("Client resume") });
		// Keep a handle on the reader's real sockets so the test can cut one.
		const sockets: WebSocket[] = [];
		let refuse = false;
		class TrackedWebSocket extends WebSocket {
			constructor(url: string | URL, protocols?: string | string[]) {
				// While "the network is down", connect where nothing listens: the attempt fails for real.
				super(refuse ? "ws://127.0.0.1:9/" : url, protocols);
				sockets.push(this);
			}
		}
		const reader = await clients.join(chat.id, "reader", { WebSocket: TrackedWebSocket });
		const writer = await clients.join(chat.id, "writer");
		const received = recordMessages(reader);
		writer.send("m1");
		await until(() => received.length === 1, "m1");

		refuse = true;
		sockets.at(-1)?.close();
		await until(() => reader.state === "reconnecting", "reconnecting");
		for (const text of ["m2", "m3", "m4"]) writer.send(text);
		await until(() => writer.pending.length === 0, "writer acknowledged");
		await pause(300);
		expect(received.map((message) => message.text)).toEqual(["m1"]);

		refuse = false;
		await until(() => received.length === 4, "the missed messages", 15_000);
		writer.send("m5");
		await until(() => received.length === 5, "m5");
		await pause(500);
		expect(received.map((message) => message.text)).toEqual(["m1", "m2", "m3", "m4", "m5"]);
		expect(received.map((message) => message.seq)).toEqual([1, 2, 3, 4, 5]);
		const resumedAt = new URL(sockets.at(-1)?.url ?? "");
		expect(resumedAt.searchParams.get("since")).toBe("1");
		// No secret in the address: the token went as a subprotocol, answered with edgechat.v1 alone.
		expect(resumedAt.searchParams.has("token")).toBe(false);
		expect(sockets.at(-1)?.protocol).toBe("edgechat.v1");
	});

	it("delivers a message sent while disconnected exactly once", async () => {
		const chat = await api.createChat({ name: unique("Client outbox") });
		const sender = await clients.join(chat.id, "sender");
		const watcher = await clients.join(chat.id, "watcher");
		const seen = recordMessages(watcher);
		sender.pause();
		expect(sender.state).toBe("offline");
		sender.send("queued");
		// Sent, then the link drops before the echo can come back: it must go out again, yet be stored once.
		sender.resume();
		await until(() => sender.state === "live", "live again");
		sender.send("in flight");
		sender.pause();
		sender.resume();
		await until(() => sender.pending.length === 0, "both acknowledged");
		await until(() => seen.length >= 2, "watcher got both");
		await pause(800);
		expect(seen.map((message) => message.text)).toEqual(["queued", "in flight"]);
		const { messages } = await api.history(chat.id);
		expect(messages.map((message) => message.text)).toEqual(["queued", "in flight"]);
	});

	it("hands its own message to the app once, though pause and resume bring it back twice", async () => {
		const chat = await api.createChat({ name: unique("Client own once") });
		const sender = await clients.join(chat.id, "sender");
		const own: string[] = [];
		sender.on("message", ({ message, own: mine }) => {
			if (mine) own.push(message.text);
		});
		sender.send("before the pause");
		await until(() => own.length === 1 && sender.pending.length === 0, "the first echo");
		// Out on the socket, then the link drops before its echo: on resume the replay (since) and
		// the answer to the re-sent clientId both carry it.
		sender.send("in flight");
		sender.pause();
		sender.resume();
		await until(() => sender.state === "live" && sender.pending.length === 0, "acknowledged after resume");
		sender.pause();
		sender.resume();
		await until(() => sender.state === "live", "live again");
		sender.send("after");
		await until(() => own.includes("after"), "the last echo");
		await pause(500);
		expect(own).toEqual(["before the pause", "in flight", "after"]);
		const { messages } = await api.history(chat.id);
		expect(messages.map((message) => message.text)).toEqual(["before the pause", "in flight", "after"]);
	});

	it("waits longer before each reconnect attempt while the server stays unreachable", async () => {
		const chat = await api.createChat({ name: unique("Client backoff") });
		let refuse = false;
		class FlakyWebSocket extends WebSocket {
			constructor(url: string | URL, protocols?: string | string[]) {
				// Nothing listens on port 9: each attempt fails for real, as with a server that is down.
				super(refuse ? "ws://127.0.0.1:9/" : url, protocols);
			}
		}
		const sockets: WebSocket[] = [];
		class TrackedWebSocket extends FlakyWebSocket {
			constructor(url: string | URL, protocols?: string | string[]) {
				super(url, protocols);
				sockets.push(this);
			}
		}
		// random = 1: every delay is its ceiling, so the growth is exact.
		const client = await clients.join(chat.id, "patient", {
			WebSocket: TrackedWebSocket,
			backoff: { baseMs: 100, maxMs: 800 },
			random: () => 1,
		});
		const delays: number[] = [];
		client.on("state", ({ retryInMs }) => {
			if (retryInMs !== undefined) delays.push(retryInMs);
		});
		refuse = true;
		sockets.at(-1)?.close();
		await until(() => delays.length >= 5, "five scheduled retries", 15_000);
		expect(delays.slice(0, 5)).toEqual([100, 200, 400, 800, 800]);

		// Once back, the next outage starts from the short delay again.
		refuse = false;
		await until(() => client.state === "live", "live again", 15_000);
		delays.length = 0;
		refuse = true;
		sockets.at(-1)?.close();
		await until(() => delays.length >= 1, "the first retry of the next outage");
		expect(delays[0]).toBe(100);
		refuse = false;
	});

	it("holds a rate-limited send back for the server's retryAfterMs, not a fixed guess", async () => {
		const chat = await api.createChat({ name: unique("Client rate limit") });
		const client = await clients.join(chat.id, "chatty");
		const refusals: number[] = [];
		client.on("error", ({ code }) => {
			if (code === "rate_limited") refusals.push(Date.now());
		});
		// 20 per 10 s: the 21st and 22nd are refused, each with about 500 ms to wait.
		for (let index = 0; index < 22; index++) client.send(`burst ${index}`);
		await until(() => refusals.length > 0, "a rate_limited refusal");
		const refusedAt = refusals[0] ?? 0;
		await until(() => client.pending.length === 0, "every send acknowledged", 10_000);
		// With the 2.5 s fallback the last two could not settle before 2.5 s; retryAfterMs lets them
		// go on the next tick (the outbox is flushed once a second).
		expect(Date.now() - refusedAt).toBeLessThan(2400);
		const { messages } = await api.history(chat.id, { limit: 50 });
		expect(messages).toHaveLength(22);
	});

	it("keeps the same identity when it refreshes its token, so one person counts once", async () => {
		const chat = await api.createChat({ name: unique("Client identity") });
		const first = await clients.join(chat.id, "twin");
		const saved = first.token;
		if (!saved) throw new Error("no token after joining");
		// As a page finds it in storage a while later: expired, so it must be refreshed.
		const refreshed: string[] = [];
		const second = new ChatClient({
			baseUrl,
			chatId: chat.id,
			name: "twin",
			token: { ...saved, expiresAt: Date.now() },
		});
		clients.keep(second);
		second.on("token", (issued) => refreshed.push(issued.token));
		await withTimeout(second.connect(), 10_000, "second tab");
		expect(refreshed).toHaveLength(1);
		expect(second.user?.id).toBe(first.user?.id);
		await until(() => first.onlineCount === 1 && second.onlineCount === 1, "one person online");
		// A third party sees one user, too.
		const other = await clients.join(chat.id, "other");
		expect(other.onlineCount).toBe(2);
	});

	it("sends the pending messages an earlier client left behind once, with their clientIds", async () => {
		const chat = await api.createChat({ name: unique("Client restore") });
		const first = await clients.join(chat.id, "writer");
		const saved = first.token;
		first.pause();
		const pending = first.send("written, then the page was reloaded");
		first.close();
		// What a page keeps in storage and hands to the client after a reload.
		const second = new ChatClient({
			baseUrl,
			chatId: chat.id,
			name: "writer",
			token: saved,
			pending: [pending],
		});
		clients.keep(second);
		const own: string[] = [];
		second.on("message", ({ message, own: mine }) => {
			if (mine && message.clientId) own.push(message.clientId);
		});
		await withTimeout(second.connect(), 10_000, "after the reload");
		await until(() => second.pending.length === 0, "the restored send acknowledged");
		expect(own).toEqual([pending.clientId]);
		const { messages } = await api.history(chat.id);
		expect(messages.map((message) => [message.text, message.clientId])).toEqual([
			[pending.text, pending.clientId],
		]);
	});

	it("changes its name without changing its user id, and the others see the new name", async () => {
		const chat = await api.createChat({ name: unique("Client rename") });
		// The default backoff, as in the browser. The room announces names only through joins and
		// leaves, so the others see the new name once the old socket's leave has gone out in a
		// presence window of its own, before the new socket joins.
		const renamer = await clients.join(chat.id, "before", { backoff: { baseMs: 500, maxMs: 10_000 } });
		const watcher = await clients.join(chat.id, "watcher");
		const id = renamer.user?.id;
		await until(() => watcher.online.some((user) => user.name === "before"), "the watcher sees the old name");
		await pause(300); // past the presence window of the watcher's own join
		renamer.rename("after");
		await until(() => renamer.user?.name === "after", "the new ready");
		expect(renamer.user?.id).toBe(id);
		await until(
			() => watcher.online.some((user) => user.id === id && user.name === "after"),
			"the watcher's online list",
		);
		renamer.send("signed with the new name");
		const received = recordMessages(watcher);
		await until(() => received.length === 1, "the message");
		expect(received[0]?.user).toEqual({ id, name: "after" });
	});

	it("sends a typing notice right after a send, throttle or not", async () => {
		const chat = await api.createChat({ name: unique("Client typing") });
		// A real socket that notes the type of every frame the client writes on it.
		const frames: string[] = [];
		class RecordingWebSocket extends WebSocket {
			override send(data: Parameters<WebSocket["send"]>[0]): void {
				if (typeof data === "string" && data.startsWith("{")) frames.push(JSON.parse(data).type);
				super.send(data);
			}
		}
		const typist = await clients.join(chat.id, "typist", { WebSocket: RecordingWebSocket });
		typist.typing();
		typist.typing(); // throttled
		typist.send("done typing");
		typist.typing(); // a new message starts: not throttled
		expect(frames).toEqual(["typing", "send", "typing"]);
	});

	it("fills a gap longer than the replay cap over HTTP, delivering every missed message once", async () => {
		const chat = await api.createChat({ name: unique("Client long gap") });
		const reader = await clients.join(chat.id, "reader");
		const received = recordMessages(reader);
		reader.pause();
		// More than the server replays on reconnect, written by enough people to stay under the rate limit.
		const total = limits.replayMax + 60;
		const writers = await Promise.all(
			Array.from({ length: Math.ceil(total / 18) }, (_, index) =>
				api.issueToken(chat.id, { name: `writer${index}` }).then((issued) => issued.token),
			),
		);
		for (let start = 0; start < total; start += writers.length) {
			await Promise.all(
				writers.map((token, index) =>
					start + index < total
						? api.postMessage(chat.id, token, `gap ${start + index}`, `gap-${start + index}`)
						: null,
				),
			);
		}
		let replay: { missed: number; replayed: number } | undefined;
		reader.on("ready", (ready) => {
			replay = ready.replay;
		});
		reader.resume();
		await until(() => received.length >= total, `${total} messages`, 20_000);
		await pause(300);
		expect(replay?.missed).toBe(total);
		expect(replay?.replayed).toBeLessThan(total);
		const seqs = received.map((message) => message.seq).sort((a, b) => a - b);
		expect(seqs).toEqual(Array.from({ length: total }, (_, index) => index + 1));
	}, 60_000);

	it("pages back through history, oldest page last, without repeats", async () => {
		const chat = await api.createChat({ name: unique("Client paging") });
		const { token } = await api.issueToken(chat.id, { name: "seeder" });
		for (let index = 1; index <= 12; index++)
			await api.postMessage(chat.id, token, `h${index}`, `seed-${index}`);
		const reader = await clients.join(chat.id, "pager");
		const received = recordMessages(reader);
		const pages: number[][] = [];
		while (reader.hasOlder) {
			const page = await reader.loadOlder(5);
			pages.push(page.messages.map((message) => message.seq));
			expect(pages.length).toBeLessThan(10);
		}
		expect(pages).toEqual([
			[8, 9, 10, 11, 12],
			[3, 4, 5, 6, 7],
			[1, 2],
		]);
		expect(received).toHaveLength(12);
		expect(new Set(received.map((message) => message.seq)).size).toBe(12);
	});

	it("relays messages in a chat that keeps no history, and finds nothing to page back to", async () => {
		const chat = await api.createChat({ name: unique("Client relay"), history: false });
		const speaker = await clients.join(chat.id, "speaker");
		const listener = await clients.join(chat.id, "listener");
		const heard = recordMessages(listener);
		speaker.send("said once, kept nowhere");
		await until(() => heard.length === 1 && speaker.pending.length === 0, "the relayed message");
		expect(heard[0]?.text).toBe("said once, kept nowhere");
		const older = await listener.loadOlder();
		expect(older.messages).toEqual([]);
		expect(listener.hasOlder).toBe(false);
	});

	it("refuses a private chat without its key, and joins it with the invite key", async () => {
		const chat = await api.createChat({ name: unique("Client private"), visibility: "private" });
		const outsider = new ChatClient({ baseUrl, chatId: chat.id, name: "outsider" });
		clients.keep(outsider);
		const failure = await withTimeout(outsider.connect(), 10_000, "refusal").then(
			() => null,
			(error: unknown) => error,
		);
		expect(failure).toBeInstanceOf(ApiError);
		expect(outsider.state).toBe("closed");
		const invited = await clients.join(chat.id, "invited", { key: chat.inviteKey });
		expect(invited.user?.role).toBe("member");
		const owner = await clients.join(chat.id, "owner", { key: chat.ownerKey });
		expect(owner.user?.role).toBe("owner");
	});
});
