import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/http/app";
import type { ErrorBody } from "../../worker/protocol";

/**
 * A fault that is no ApiError: a deployment whose room binding is missing (a real
 * misconfiguration, like the missing TOKEN_SECRET in tokens.test.ts), so every room lookup throws
 * a TypeError from deep inside the router. The client must get the JSON error of the contract,
 * with nothing of our internals in it.
 */
function withoutRoomBinding(request: Request): Promise<Response> {
	const { CHAT_ROOM: _missing, ...broken } = env;
	return Promise.resolve(app.fetch(request, broken, createExecutionContext()));
}

describe("an unexpected error", () => {
	it.each([
		["reading a chat", new Request("http://edgechat.test/api/chats/AbCdEf0123456789")],
		[
			"creating a chat",
			new Request("http://edgechat.test/api/chats", {
				method: "POST",
				headers: { "Content-Type": "application/json" },
				body: JSON.stringify({ name: "Doomed" }),
			}),
		],
	])("while %s is a JSON 500 internal_error without a stack trace", async (_what, request) => {
		// The details go to the Worker's log (console.error, shown in the test output), never to the client.
		const response = await withoutRoomBinding(request);
		expect(response.status).toBe(500);
		expect(response.headers.get("Content-Type")).toMatch(/application\/json/);
		const text = await response.text();
		const body: ErrorBody = JSON.parse(text);
		expect(body.error.code).toBe("internal_error");
		expect(body.error.message).toBe("Something went wrong on our side");
		// Nothing that names our code, the runtime's error, or a stack frame.
		expect(text).not.toMatch(/TypeError|undefined|idFromName|CHAT_ROOM|\bat\s|\.ts:\d+/);
	});
});
