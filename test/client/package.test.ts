import { execFileSync, spawnSync } from "node:child_process";
import {
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl } from "../e2e/helpers.ts";

const repoRoot = resolve(import.meta.dirname, "../..");
const clientDir = join(repoRoot, "web/client");
const project = mkdtempSync(join(tmpdir(), "edgechat-package-"));
afterAll(() => rmSync(project, { recursive: true, force: true }));

/** What a program that installed the package writes: plain ESM, nothing from this repository. */
const consumer = `
import { ChatApi, ChatClient } from "@edgechat/client";

const baseUrl = process.env.EDGECHAT_URL;
const api = new ChatApi({ baseUrl });
const chat = await api.createChat({ name: "package test" });
const wait = (check, what) => new Promise((done, fail) => {
  const deadline = Date.now() + 15000;
  const timer = setInterval(() => {
    if (check()) { clearInterval(timer); done(); }
    else if (Date.now() > deadline) { clearInterval(timer); fail(new Error("timed out: " + what)); }
  }, 20);
});

const ada = new ChatClient({ baseUrl, chatId: chat.id, name: "ada" });
const bob = new ChatClient({ baseUrl, chatId: chat.id, name: "bob", backoff: { baseMs: 50, maxMs: 200 } });
const seen = [];
bob.on("message", ({ message }) => seen.push(message.text));
await ada.connect();
await bob.connect();
ada.send("first");
await wait(() => seen.includes("first"), "first");
bob.pause();
ada.send("while bob was away");
await new Promise((done) => setTimeout(done, 300));
bob.resume();
await wait(() => seen.includes("while bob was away"), "the message sent while paused");
ada.close();
bob.close();
console.log(JSON.stringify({ seen }));
`;

/** The package's README (web/client/README.md): its quick start and its Node 20 variant, as written. */
const readme = readFileSync(join(clientDir, "README.md"), "utf8");
const [quickStart = "", node20 = ""] = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1]);
/** What a runtime without a global WebSocket is like (Node 20): the global taken away first. */
const withoutGlobalWebSocket = "--import=data:text/javascript,delete globalThis.WebSocket";

function runInProject(file: string, nodeOptions: string[] = []) {
	return spawnSync(process.execPath, [...nodeOptions, file], {
		cwd: project,
		encoding: "utf8",
		env: { ...process.env, EDGECHAT_URL: baseUrl },
		timeout: 45_000,
	});
}

describe("the packaged ChatClient", () => {
	beforeAll(() => {
		const packed = execFileSync("npm", ["pack", "--pack-destination", project, "--silent"], {
			cwd: clientDir,
			encoding: "utf8",
		}).trim();
		const tarball = join(project, packed.split("\n").at(-1) ?? "");
		writeFileSync(
			join(project, "package.json"),
			JSON.stringify({ name: "consumer", private: true, type: "module" }),
		);
		execFileSync("npm", ["install", tarball, "--no-audit", "--no-fund", "--offline"], {
			cwd: project,
			stdio: "pipe",
		});
	}, 90_000);

	it("installs from its tarball into an empty project and joins, sends, receives and resumes", () => {
		// No runtime dependency: the package is the only thing installed.
		expect(readdirSync(join(project, "node_modules")).filter((name) => !name.startsWith("."))).toEqual([
			"@edgechat",
		]);
		const installed = join(project, "node_modules/@edgechat/client");
		expect(existsSync(join(installed, "dist/index.js"))).toBe(true);
		expect(existsSync(join(installed, "dist/index.d.ts"))).toBe(true);
		expect(existsSync(join(installed, "README.md"))).toBe(true);

		writeFileSync(join(project, "bot.mjs"), consumer);
		const run = runInProject("bot.mjs");
		expect(run.stderr).toBe("");
		expect(run.status).toBe(0);
		const result = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}");
		expect(result.seen).toEqual(["first", "while bob was away"]);
	}, 90_000);

	it("runs its README's quick start as written: the message comes back and the program ends", () => {
		writeFileSync(join(project, "hello.mjs"), quickStart);
		const run = runInProject("hello.mjs");
		expect(run.stderr).toBe("");
		expect(run.status).toBe(0);
		expect(run.stdout.trim()).toBe("ada: hello from @edgechat/client");
	}, 60_000);

	it("on a runtime without a global WebSocket, says to use Node 22+ or pass the ws package's, and works once given it", () => {
		writeFileSync(join(project, "hello.mjs"), quickStart);
		const refused = runInProject("hello.mjs", [withoutGlobalWebSocket]);
		expect(refused.status).toBe(1);
		expect(refused.stderr).toContain("TypeError: ChatClient needs a WebSocket");
		expect(refused.stderr).toContain("Node.js 22 or newer");
		expect(refused.stderr).toContain("the `WebSocket` option");
		expect(refused.stderr).toContain('import WebSocket from "ws"');
		expect(refused.stderr).not.toContain("ApiError");

		// The README's Node 20 lines in place of the quick start's ChatClient, with ws installed.
		const [importWs = "", , construct = ""] = node20.trim().split("\n");
		const withWs = `${importWs}\n${quickStart.replace(/^const client = new ChatClient\(.*$/m, construct)}`;
		expect(withWs).toContain("WebSocket });");
		symlinkSync(join(repoRoot, "node_modules/ws"), join(project, "node_modules/ws"), "dir");
		writeFileSync(join(project, "hello-ws.mjs"), withWs);
		const run = runInProject("hello-ws.mjs", [withoutGlobalWebSocket]);
		expect(run.stderr).toBe("");
		expect(run.status).toBe(0);
		expect(run.stdout.trim()).toBe("ada: hello from @edgechat/client");
	}, 60_000);
});
