import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../../bench/lib/ports.ts";
import { baseUrl } from "./helpers.ts";

/**
 * The shell snippets of the README and docs/API.md that call the app (every ```sh block with a
 * curl to http://127.0.0.1:8787), run as written with bash against the app under test, so that
 * they cannot drift from what the app does. Only the addresses change: the app's port, and the
 * port of the webhook receiver a snippet starts. PATH is a reader's: node_modules/.bin is taken
 * off, so `node` is whatever Node runs npm (Node 20 on a fresh machine) and `npx node` the
 * project's own. Blocks that start the app or run until stopped (`npm start`, `npm run bot`) have
 * no curl and tests of their own.
 */
const repo = resolve(import.meta.dirname, "../..");
const documented = "127.0.0.1:8787";
const documentedReceiver = "127.0.0.1:9000";

interface Snippet {
	file: string;
	line: number;
	code: string;
}

/** Every ```sh block of a Markdown file that calls the app with curl, its list indentation taken off. */
function snippetsOf(file: string): Snippet[] {
	const lines = readFileSync(join(repo, file), "utf8").split("\n");
	const snippets: Snippet[] = [];
	for (let index = 0; index < lines.length; index++) {
		const opening = /^(\s*)```sh\s*$/.exec(lines[index] ?? "");
		if (!opening) continue;
		const indent = opening[1]?.length ?? 0;
		const end = lines.findIndex((line, at) => at > index && line.trim() === "```");
		const code = lines
			.slice(index + 1, end)
			.map((line) => line.slice(indent))
			.join("\n");
		if (code.includes(documented) && /^curl /m.test(code)) snippets.push({ file, line: index + 1, code });
		index = end;
	}
	return snippets;
}

/** The PATH a reader's shell has: without the project's node_modules/.bin that npm and npx put first. */
function readersPath(): string {
	return (process.env.PATH ?? "")
		.split(delimiter)
		.filter((entry) => !entry.includes(`node_modules${"/"}.bin`) && !entry.includes("node-gyp-bin"))
		.join(delimiter);
}

const snippetTimeoutMs = 30_000;

/**
 * Runs a snippet in a process group of its own, and stops the whole group afterwards: a snippet
 * that fails half way may leave what it started in the background (a webhook receiver) running.
 */
async function run(snippet: Snippet): Promise<{ status: number | null; stdout: string; stderr: string }> {
	const receiver = `127.0.0.1:${await freePort()}`;
	const code = snippet.code
		.replaceAll(documented, new URL(baseUrl).host)
		.replaceAll(documentedReceiver, receiver)
		.replaceAll("webhook-receiver.mjs &", `webhook-receiver.mjs ${receiver.split(":")[1]} &`);
	const shell = spawn("bash", ["-euo", "pipefail", "-c", code], {
		cwd: repo,
		env: { ...process.env, PATH: readersPath() },
		detached: true,
		stdio: ["ignore", "pipe", "pipe"],
	});
	let stdout = "";
	let stderr = "";
	shell.stdout.on("data", (chunk: Buffer) => {
		stdout += chunk.toString();
	});
	shell.stderr.on("data", (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const stopGroup = () => {
		try {
			if (shell.pid !== undefined) process.kill(-shell.pid, "SIGKILL");
		} catch {
			// Nothing of the group is left.
		}
	};
	const deadline = setTimeout(stopGroup, snippetTimeoutMs);
	const closed = new Promise<void>((done) => shell.once("close", () => done()));
	const status = await new Promise<number | null>((done) => shell.once("exit", (exitCode) => done(exitCode)));
	clearTimeout(deadline);
	// Whatever the snippet left in the background holds its output open until it is stopped.
	stopGroup();
	await closed;
	return { status, stdout, stderr };
}

/** What some snippets say they print, checked beyond "ran without an error". */
const promises: { marker: string; check: (stdout: string) => void }[] = [
	{
		marker: "talk over the socket",
		check: (stdout) => {
			// "prints ready, the message posted above (replayed), then our own message coming back"
			const frames = stdout.slice(stdout.indexOf('{"type":"ready"'));
			expect([...frames.matchAll(/\{"type":"(\w+)"/g)].map((match) => match[1])).toEqual([
				"ready",
				"message",
				"message",
			]);
			expect(frames.indexOf("hi from curl")).toBeLessThan(frames.indexOf("hello from a socket"));
		},
	},
	{
		marker: "webhook-receiver.mjs",
		check: (stdout) => {
			expect(stdout).toMatch(/^message\.created \{.*"text":"Hello, webhook"/m);
			expect(stdout).toContain('"delivered":1');
			expect(stdout.trimEnd().endsWith("204")).toBe(true);
		},
	},
	{
		marker: "--data-binary @$IMAGE",
		check: (stdout) => {
			expect(stdout).toMatch(
				/"attachments":\[\{"id":"f\w{24}","type":"image\/gif","size":35,"width":1,"height":1\}\]/,
			);
			expect(stdout.trimEnd().endsWith("200 image/gif")).toBe(true);
		},
	},
	{
		marker: "Hello from curl",
		check: (stdout) => {
			expect(stdout).toMatch(/^open http:\/\/127\.0\.0\.1:\d+\/c\/\w{16}$/m);
			expect(stdout).toContain('"text":"Hello from curl"');
		},
	},
];

const snippets = ["README.md", "docs/API.md"].flatMap(snippetsOf);

describe("the shell snippets of the README and docs/API.md", () => {
	it("are found: the README's first hour and API.md's walkthroughs", () => {
		expect(snippets.map(({ file }) => file)).toEqual([
			"README.md",
			"docs/API.md",
			"docs/API.md",
			"docs/API.md",
			"docs/API.md",
		]);
	});

	for (const snippet of snippets) {
		const title =
			snippet.code.split("\n").find((line) => line.startsWith("#")) ?? snippet.code.split("\n")[0];
		it(`run as written: ${snippet.file}:${snippet.line} (${title})`, async () => {
			const { status, stdout, stderr } = await run(snippet);
			expect(status, `${stdout}\n${stderr}`).toBe(0);
			expect(stdout).not.toContain('{"error":');
			for (const promise of promises) if (snippet.code.includes(promise.marker)) promise.check(stdout);
		});
	}
});
