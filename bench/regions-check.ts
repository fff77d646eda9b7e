/**
 * `npm run bench:regions -- --url http://127.0.0.1:PORT`: a chat with listeners in several regions
 * against a running edgechat whose Worker trusts X-Edgechat-Region, started for instance with
 * `npm start -- --var ROOM_SHARD_CAPACITY:3 --var TRUST_REGION_HEADER:true` (or `npx wrangler dev
 * --ip 127.0.0.1 --port PORT` with the same vars, to keep 8787 free).
 *
 * It joins ten sockets per region (weur, apac, wnam by default), one after another, each with the
 * header on its token request and on its upgrade; reads the chat's diagnostics; has the sockets
 * send messages in turn; and checks that every listener got every message once, in one order.
 * Exit code 0 when every check holds.
 */
import { parseArgs } from "node:util";
import WebSocket from "ws";
import type { ChatMessage, CreatedChat, IssuedToken, ServerFrame } from "../worker/protocol/index.ts";

const help = `Usage: npm run bench:regions -- --url http://127.0.0.1:PORT [options]

  --url URL          edgechat to test (required); its Worker must have TRUST_REGION_HEADER "true"
  --regions LIST     regions of the listeners, comma-separated (default weur,apac,wnam)
  --per-region N     listeners per region (default 10)
  --messages N       messages to send, from listeners of every region in turn (default 30)
  --capacity N       the server's ROOM_SHARD_CAPACITY, to check that each region's shards fill in
                     order (default 3; 0 skips that check)
  --help             this text`;

const { values } = parseArgs({
	options: {
		url: { type: "string" },
		regions: { type: "string", default: "weur,apac,wnam" },
		"per-region": { type: "string", default: "10" },
		messages: { type: "string", default: "30" },
		capacity: { type: "string", default: "3" },
		help: { type: "boolean", default: false },
	},
});
if (values.help || values.url === undefined) {
	console.log(help);
	process.exit(values.help ? 0 : 2);
}
const base = values.url.replace(/\/$/, "");
const regions = values.regions.split(",").map((region) => region.trim());
const perRegion = Number(values["per-region"]);
const messageCount = Number(values.messages);
const capacity = Number(values.capacity);
const deadline = setTimeout(() => fail("the check did not finish within 120 s"), 120_000);

/** The fields of `GET /api/chats/:id/diagnostics` read here. */
interface Diagnostics {
	connections: number;
	online: number;
	shards: number;
	regions: Record<string, { shards: number; connections: number }>;
}

interface Listener {
	name: string;
	region: string;
	socket: WebSocket;
	messages: ChatMessage[];
}

function fail(why: string): never {
	console.error(`FAILED: ${why}`);
	process.exit(1);
}

async function json<T>(path: string, init: RequestInit, status: number): Promise<T> {
	const response = await fetch(`${base}${path}`, init);
	const body = await response.text();
	if (response.status !== status) fail(`${init.method ?? "GET"} ${path}: HTTP ${response.status} ${body}`);
	return JSON.parse(body);
}

const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
	method: "POST",
	headers: { "Content-Type": "application/json", ...headers },
	body: JSON.stringify(body),
});

/** A listener from `region`: its token asked for and its socket opened, both naming the region. */
async function join(chat: CreatedChat, name: string, region: string): Promise<Listener> {
	const headers = { "X-Edgechat-Region": region };
	const issued = await json<IssuedToken>(`/api/chats/${chat.id}/tokens`, post({ name }, headers), 201);
	const url = `${base.replace(/^http/, "ws")}/api/chats/${chat.id}/ws`;
	const socket = new WebSocket(url, ["edgechat.v1", `edgechat.token.${issued.token}`], { headers });
	const listener: Listener = { name, region, socket, messages: [] };
	await new Promise<void>((ready, refused) => {
		socket.on("message", (data: Buffer) => {
			if (data.toString() === "pong") return;
			const frame: ServerFrame = JSON.parse(data.toString());
			if (frame.type === "ready") ready();
			if (frame.type === "message") listener.messages.push(frame.message);
		});
		socket.once("unexpected-response", (_request, response) =>
			refused(new Error(`upgrade: HTTP ${response.statusCode}`)),
		);
		socket.once("error", refused);
	});
	return listener;
}

async function diagnosticsOf(chat: CreatedChat): Promise<Diagnostics> {
	return json<Diagnostics>(
		`/api/chats/${chat.id}/diagnostics`,
		{ headers: { "X-Chat-Key": chat.ownerKey } },
		200,
	);
}

async function waitFor(
	what: string,
	check: () => boolean | Promise<boolean>,
	timeoutMs = 20_000,
): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > until) fail(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

const chat = await json<CreatedChat>("/api/chats", post({ name: "Regions check" }), 201);
console.log(`chat ${chat.id} at ${base}: ${perRegion} listeners from each of ${regions.join(", ")}`);
const listeners: Listener[] = [];
for (const region of regions) {
	for (let n = 0; n < perRegion; n++) listeners.push(await join(chat, `${region}-${n}`, region));
}
await waitFor(`${listeners.length} sockets in the diagnostics`, async () => {
	const counted = await diagnosticsOf(chat);
	return counted.connections === listeners.length && counted.online === listeners.length;
});
const counted = await diagnosticsOf(chat);
console.log(`diagnostics: connections ${counted.connections}, objects ${counted.shards}`);
console.log(`regions: ${JSON.stringify(counted.regions)}`);

// Joins came one after another: the root took the first ones (it counts in "default", the chat
// having no hint), and every later listener must be on a shard of its own region.
const atRoot = counted.regions.default?.connections ?? 0;
const problems: string[] = [];
for (const region of regions) {
	const ofRegion = listeners.filter((listener) => listener.region === region);
	const onShards = ofRegion.filter((listener) => listeners.indexOf(listener) >= atRoot).length;
	const seen = counted.regions[region];
	const held = seen?.connections ?? 0;
	if (held !== onShards) problems.push(`${region}: ${held} sockets on its shards, expected ${onShards}`);
	if (capacity > 0 && (seen?.shards ?? 0) !== Math.ceil(onShards / capacity)) {
		problems.push(`${region}: ${seen?.shards ?? 0} shards for ${onShards} sockets at ${capacity} a shard`);
	}
	console.log(
		`  ${region}: ${ofRegion.length} listeners, ${ofRegion.length - onShards} on the root, ${held} on ${seen?.shards ?? 0} shard(s) of ${region}`,
	);
}

// Messages from listeners of every region in turn; each sender's own message comes back as its ack.
for (let n = 0; n < messageCount; n++) {
	const sender = listeners[(n * 7) % listeners.length];
	sender?.socket.send(JSON.stringify({ type: "send", text: `message ${n + 1}`, clientId: `check-${n + 1}` }));
}
await waitFor(`${messageCount} messages at every listener`, () =>
	listeners.every((listener) => listener.messages.length >= messageCount),
);
await new Promise((resolve) => setTimeout(resolve, 500));
const order = listeners[0]?.messages.map((message) => message.seq).join(",");
for (const listener of listeners) {
	const seqs = listener.messages.map((message) => message.seq);
	const whole = seqs.every((seq, index) => seq === (seqs[0] ?? 0) + index);
	if (seqs.length !== messageCount || !whole || seqs.join(",") !== order) {
		problems.push(`${listener.name}: got seqs ${seqs.join(",")}`);
	}
}
const texts = new Set(listeners[0]?.messages.map((message) => message.text));
if (texts.size !== messageCount) problems.push(`${texts.size} distinct texts, expected ${messageCount}`);
console.log(
	`delivery: ${messageCount} messages x ${listeners.length} listeners = ${listeners.reduce((sum, listener) => sum + listener.messages.length, 0)} frames; ` +
		`every listener seqs ${order?.split(",")[0]}..${order?.split(",").at(-1)} once, in one order: ${problems.length === 0 ? "yes" : "no"}`,
);

for (const listener of listeners) listener.socket.close(1000, "done");
clearTimeout(deadline);
if (problems.length > 0) fail(problems.join("; "));
console.log("OK");
process.exit(0);
