/**
 * The machine's ceiling: a plain Node `ws` server that sends every frame it receives to every
 * client, sender included. No runtime, no isolation, no storage: whatever edgechat or the bare
 * Durable Object room cost beyond this is the price of the platform and of the product.
 *
 * Usage: node ws-server.ts <port>. GET /health answers 200; any path upgrades to a WebSocket;
 * the text frame `ping` is answered with `pong` and not broadcast, like the rooms do.
 */
import { createServer } from "node:http";
import { WebSocketServer } from "ws";

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
	console.error("usage: ws-server.ts <port>");
	process.exit(2);
}

const http = createServer((request, response) => {
	response.writeHead(request.url === "/health" ? 200 : 426, { "content-type": "text/plain" });
	response.end(request.url === "/health" ? "ok" : "WebSocket only");
});
// Compression off, as on the other servers' sockets: the bench compares fan-out, not deflate.
const sockets = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: 64 * 1024 });

sockets.on("connection", (socket) => {
	socket.on("message", (data, isBinary) => {
		if (!isBinary && Buffer.isBuffer(data) && data.length === 4 && data.toString() === "ping") {
			socket.send("pong");
			return;
		}
		for (const client of sockets.clients) client.send(data, { binary: isBinary });
	});
	socket.on("error", () => socket.terminate());
});

http.listen(port, "127.0.0.1", () => console.log(`ready http://127.0.0.1:${port}/`));

process.on("SIGTERM", () => {
	for (const client of sockets.clients) client.terminate();
	http.close(() => process.exit(0));
	setTimeout(() => process.exit(0), 1000).unref();
});
