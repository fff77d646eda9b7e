/**
 * A webhook receiver for edgechat: verifies each delivery with the Standard Webhooks library,
 * prints each event once and answers 204 (anything else is retried).
 *
 *   EDGECHAT_WEBHOOK_SECRET=whsec_… node docs/examples/webhook-receiver.mjs [port]
 *
 * The secret is the one `PUT /api/chats/:id/webhook` answered with; the port defaults to 9000
 * (URL http://127.0.0.1:9000/hook). Plain JavaScript, so any Node from 20 on runs it as it is;
 * `standardwebhooks` comes with the checkout's `npm ci` (elsewhere: `npm install standardwebhooks`).
 */
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

const secret = process.env.EDGECHAT_WEBHOOK_SECRET;
if (!secret) {
	console.error("usage: EDGECHAT_WEBHOOK_SECRET=whsec_… node docs/examples/webhook-receiver.mjs [port]");
	process.exit(2);
}
const port = Number(process.argv[2] ?? 9000);
const webhook = new Webhook(secret);
/** Delivery is at least once: an event may come again (say, when our answer was lost). */
const seen = new Set();

createServer(async (request, response) => {
	let body = "";
	for await (const chunk of request) body += chunk;
	try {
		const event = webhook.verify(body, request.headers);
		if (!seen.has(event.id)) {
			seen.add(event.id);
			console.log(event.type, JSON.stringify(event.data));
		}
		response.writeHead(204).end();
	} catch {
		response.writeHead(400).end(); // a bad signature, or a timestamp too old
	}
}).listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}/hook`));
