import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { baseUrl } from "../e2e/helpers.ts";

const clientDir = resolve(import.meta.dirname, "../../web/client");
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

describe("the packaged ChatClient", () => {
	it("installs from its tarball into an empty project and joins, sends, receives and resumes", () => {
		const packed = execFileSync("npm", ["pack", "--pack-destination", project, "--silent"], {
			cwd: clientDir,
			encoding: "utf8",
		}).trim();
		const tarball = join(project, packed.split("\n").at(-1) ?? "");
		expect(existsSync(tarball)).toBe(true);

		writeFileSync(
			join(project, "package.json"),
			JSON.stringify({ name: "consumer", private: true, type: "module" }),
		);
		execFileSync("npm", ["install", tarball, "--no-audit", "--no-fund", "--offline"], {
			cwd: project,
			stdio: "pipe",
		});
		// No runtime dependency: the package is the only thing installed.
		expect(readdirSync(join(project, "node_modules")).filter((name) => !name.startsWith("."))).toEqual([
			"@edgechat",
		]);
		const installed = join(project, "node_modules/@edgechat/client/dist");
		expect(existsSync(join(installed, "index.js"))).toBe(true);
		expect(existsSync(join(installed, "index.d.ts"))).toBe(true);

		writeFileSync(join(project, "bot.mjs"), consumer);
		const run = spawnSync(process.execPath, ["bot.mjs"], {
			cwd: project,
			encoding: "utf8",
			env: { ...process.env, EDGECHAT_URL: baseUrl },
			timeout: 45_000,
		});
		expect(run.stderr).toBe("");
		expect(run.status).toBe(0);
		const result = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}");
		expect(result.seen).toEqual(["first", "while bob was away"]);
	}, 90_000);
});
