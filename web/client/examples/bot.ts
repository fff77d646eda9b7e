/**
 * An example bot built on ChatClient, bundled with esbuild and run with the project's pinned Node:
 *
 *   npm run bot -- http://127.0.0.1:8787 <chatId> [name] [key]
 *
 * It joins the chat, prints what is said, greets people who arrive and answers "!time" and
 * "!online". Messages it sends carry a clientId, so a network cut never doubles them. Ctrl+C leaves.
 */
import { ChatClient } from "../index.ts";

const [baseUrl, chatId, name = "clockbot", key] = process.argv.slice(2);
if (!baseUrl || !chatId) {
	console.error("usage: npm run bot -- <baseUrl> <chatId> [name] [key]");
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
