import { createServer } from "node:net";

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now (the kernel picks it), for a server a
 * test starts: the app under test, a webhook receiver. Other people's servers may run on this
 * machine at the same time, so no port is ever assumed free.
 */
export function freePort(): Promise<number> {
	return new Promise((resolvePort, reject) => {
		const probe = createServer();
		probe.once("error", reject);
		probe.listen(0, "127.0.0.1", () => {
			const address = probe.address();
			const port = typeof address === "object" && address ? address.port : 0;
			probe.close(() => resolvePort(port));
		});
	});
}
