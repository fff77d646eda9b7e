import { createServer } from "node:net";

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now (the kernel picks it), for a server the
 * bench or a test starts. Another process may take it before that server binds it; the bench's
 * servers are then started again on new ports (bench/servers/servers.ts).
 */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			const port = typeof address === "object" && address !== null ? address.port : 0;
			server.close(() => (port > 0 ? resolve(port) : reject(new Error("no port assigned"))));
		});
	});
}
