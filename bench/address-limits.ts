/**
 * `npm run bench:address-limits` [-- --tokens N]: what the per-address limits cost a token request,
 * straight to the runtime (edgechat, API only, configured as deployed). Three ways, each on a
 * fresh server, in two rounds (the second in the opposite order: a shared machine drifts):
 *
 * - `binding`: the defaults, where Cloudflare's Rate Limiting binding counts;
 * - `object`: ADDRESS_TOKENS_PER_MINUTE set away from its binding's limit, where the AddressLimits
 *   Durable Object counts, as it counted every token before the binding;
 * - `none`: every request from 127.0.0.1, which is never limited: the floor.
 *
 * The requests come as 500 non-loopback addresses in turn (CF-Connecting-IP), a few tokens each,
 * under every limit. Reported: tokens/s, and the runtime's CPU per token (the workerd process).
 * Locally the binding is itself backed by an object of Miniflare's; deployed, it counts in the
 * location that serves the request, where the AddressLimits object may be anywhere.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { field } from "./generator/room.ts";
import { parseCommandLine } from "./lib/command-line.ts";
import { intervalUse, snapshot } from "./lib/proc.ts";
import { stopAllChildrenNow } from "./servers/child.ts";
import { startServer, stopServer } from "./servers/servers.ts";

const usage = `
usage: npm run bench:address-limits [-- --tokens N]

What the per-address limits cost a token request, straight to the runtime: tokens/s and the
runtime's CPU per token with Cloudflare's Rate Limiting binding, with the AddressLimits object,
and with no limit (loopback), each on a fresh server, in two rounds.

  --tokens N   token requests per way and round (default 3000)
  -h, --help   this text
`;
const { values: options } = parseCommandLine(usage, {
	options: { tokens: { type: "string", default: "3000" } },
});
const tokens = Number(options.tokens);
if (!(tokens >= 1)) throw new Error("--tokens takes a positive number");
const concurrency = 32;
const addresses = 500;

type Way = "binding" | "object" | "none";
const vars: Record<Way, Record<string, string>> = {
	binding: {},
	object: { ADDRESS_TOKENS_PER_MINUTE: "1000000" },
	none: {},
};

process.on("exit", stopAllChildrenNow);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));
setTimeout(() => {
	process.stdout.write("did not finish within 10 min; stopping\n");
	process.exit(2);
}, 10 * 60_000).unref();

const repoRoot = resolve(import.meta.dirname, "..");
const workspace = { repoRoot, dir: mkdtempSync(join(tmpdir(), "edgechat-address-limits-")) };
const rows: string[] = [];
for (const way of ["binding", "object", "none", "none", "object", "binding"] as const) {
	rows.push(await measure(way));
	process.stdout.write(`${rows.at(-1)}\n`);
}

async function measure(way: Way): Promise<string> {
	const server = await startServer(
		{ kind: "edgechat", transport: "direct", apiOnly: true, vars: vars[way], suffix: way },
		workspace,
	);
	try {
		const chatId = field((await post(`${server.origin}/api/chats`, { name: "Tokens" }, null)).body, "id");
		if (chatId === null) throw new Error("POST /api/chats: no id");
		const before = snapshot(server.child.pid);
		const statuses = new Map<number, number>();
		let next = 0;
		await Promise.all(
			Array.from({ length: concurrency }, async () => {
				while (next < tokens) {
					const n = next++;
					const address = way === "none" ? null : `198.18.${Math.floor((n % addresses) / 250)}.${n % 250}`;
					const { status } = await post(
						`${server.origin}/api/chats/${chatId}/tokens`,
						{ name: `t${n}` },
						address,
					);
					statuses.set(status, (statuses.get(status) ?? 0) + 1);
				}
			}),
		);
		const use = intervalUse(before, snapshot(server.child.pid));
		const runtime = use.server.byProcess.find((process) => process.name.startsWith("workerd"));
		const cpuMs = ((runtime?.cores ?? 0) * use.seconds * 1000) / tokens;
		const answers = [...statuses].map(([status, count]) => `${status} x${count}`).join(", ");
		return (
			`${way.padEnd(7)} ${(tokens / use.seconds).toFixed(0).padStart(5)} tokens/s, runtime CPU ${cpuMs.toFixed(2)} ms/token ` +
			`(answers ${answers}; other work on the machine ${use.otherCores.toFixed(2)} cores)`
		);
	} finally {
		await stopServer(server);
	}
}

/** A JSON POST as `address` (CF-Connecting-IP), or as the local client it is when null. */
async function post(
	url: string,
	body: unknown,
	address: string | null,
): Promise<{ status: number; body: unknown }> {
	const response = await fetch(url, {
		method: "POST",
		headers: { "Content-Type": "application/json", ...(address !== null && { "CF-Connecting-IP": address }) },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(30_000),
	});
	return { status: response.status, body: await response.json() };
}
