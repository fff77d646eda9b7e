import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import type { ChatClient } from "../../web/client/index.ts";
import { api, connectClient, unique } from "../e2e/helpers.ts";

const repo = resolve(import.meta.dirname, "../..");
const stops: Array<() => void> = [];
afterEach(() => {
	for (const stop of stops.splice(0)) stop();
});

describe("the README's bot example", () => {
	it("runs through `npm run bot` with whatever node is on the PATH and answers !time", async () => {
		const chat = await api.createChat({ name: unique("bot") });
		const bot = spawn("npm", ["run", "--silent", "bot", "--", inject("baseUrl"), chat.id, "clockbot"], {
			cwd: repo,
			stdio: ["ignore", "pipe", "pipe"],
			detached: true,
		});
		stops.push(() => {
			if (bot.pid !== undefined) {
				try {
					process.kill(-bot.pid, "SIGINT");
				} catch {
					// Already gone.
				}
			}
		});
		let output = "";
		bot.stdout?.on("data", (chunk: Buffer) => {
			output += chunk.toString();
		});
		bot.stderr?.on("data", (chunk: Buffer) => {
			output += chunk.toString();
		});
		const deadline = Date.now() + 30_000;
		while (!output.includes("joined")) {
			if (Date.now() > deadline || bot.exitCode !== null) throw new Error(`the bot did not join:\n${output}`);
			await new Promise((done) => setTimeout(done, 100));
		}
		const ada: ChatClient = await connectClient(chat.id, "ada");
		stops.push(() => ada.close());
		const answers: string[] = [];
		ada.on("message", ({ message }) => {
			if (message.user.name === "clockbot") answers.push(message.text);
		});
		ada.send("!time");
		while (!answers.some((text) => text.startsWith("It is "))) {
			if (Date.now() > deadline) throw new Error(`no answer from the bot:\n${output}`);
			await new Promise((done) => setTimeout(done, 100));
		}
		expect(answers.some((text) => text.startsWith("It is "))).toBe(true);
	}, 60_000);
});
