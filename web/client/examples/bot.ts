/**
 * An example bot built on ChatClient, bundled with esbuild and run with the project's pinned Node:
 *
 *   npm run bot -- http://127.0.0.1:8787 <chatId> [name] [key]
 *
 * It joins the chat, prints what is said, greets people who arrive and answers "!time" and
 * "!online". Messages it sends carry a clientId, so a network cut never doubles them. Ctrl+C leaves.
 */
import { parseArgs } from "node:util";
import { ChatClient } from "../index.ts";

const usage = `usage: npm run bot -- <baseUrl> <chatId> [name] [key]

Joins the chat as <name> (default clockbot), prints what is said, greets people who arrive and
answers !time and !online. <key>: the invite key of a private chat, or the owner key.
Ctrl+C leaves.

  example: npm run bot -- http://127.0.0.1:8787 AbCdEf0123456789
  -h, --help   this text
`;
const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: { help: { type: "boolean", short: "h" } },
});
const [baseUrl, chatId, name = "clockbot", key] = positionals;
if (values.help) {
	process.stdout.write(usage);
	process.exit(0);
}
if (!baseUrl || !chatId) {
	process.stderr.write(usage);
	process.exit(2);
}

const client = new ChatClient({ baseUrl, chatId, name, key });

client.on("state", ({ state, retryInMs }) => {
	console.log(`[${state}]${retryInMs === undefined ? "" : ` next try in ${retryInMs} ms`}`);
});
client.on("error", ({ code, message, fatal }) => {
	console.error(`error ${code}: ${message}`);
	if (fatal) process.exit(1);
});
client.on("presence", ({ joined }) => {
	for (const person of joined) {
		if (person.id !== client.user?.id) client.send(`Hello ${person.name}! Try !time or !online.`);
	}
});
client.on("message", ({ message, own }) => {
	const time = new Date(message.ts).toLocaleTimeString();
	console.log(`#${message.seq} ${time} ${message.user.name}: ${message.text}`);
	if (own) return;
	const command = message.text.trim().toLowerCase();
	if (command === "!time") client.send(`It is ${new Date().toISOString()} here.`);
	if (command === "!online")
		client.send(`${client.onlineCount} online: ${client.online.map((u) => u.name).join(", ")}`);
});

const ready = await client.connect();
console.log(
	`joined "${ready.chat.name}" as ${ready.user.name} (${ready.user.role}); ${ready.onlineCount} online`,
);

// The latest messages, oldest first, for context.
await client.loadOlder(10);

process.on("SIGINT", () => {
	client.close();
	process.exit(0);
});
