import { Agent, request } from "node:http";

/**
 * JSON over HTTP/1.1 with keep-alive connections of its own. The pool is closed after a join,
 * so that the descriptors counted per socket afterwards are those of WebSockets alone.
 */
export class HttpClient {
	private agent: Agent | null = null;

	postJson(url: string, body: unknown, timeoutMs: number): Promise<{ status: number; body: unknown }> {
		this.agent ??= new Agent({ keepAlive: true, maxSockets: 256 });
		const payload = JSON.stringify(body);
		return new Promise((resolve, reject) => {
			const outgoing = request(
				url,
				{
					method: "POST",
					agent: this.agent ?? undefined,
					headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
					timeout: timeoutMs,
				},
				(response) => {
					const chunks: Buffer[] = [];
					response.on("data", (chunk: Buffer) => chunks.push(chunk));
					response.on("end", () => {
						const text = Buffer.concat(chunks).toString();
						try {
							resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : null });
						} catch {
							resolve({ status: response.statusCode ?? 0, body: text });
						}
					});
					response.on("error", reject);
				},
			);
			outgoing.on("timeout", () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
			outgoing.on("error", reject);
			outgoing.end(payload);
		});
	}

	close(): void {
		this.agent?.destroy();
		this.agent = null;
	}
}
