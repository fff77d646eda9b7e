import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../worker/protocol";
import { isWellFormed } from "../../worker/protocol/text";
import { api, bearer, createChat, joinToken, postJson, TestSocket } from "./helpers";

/**
 * Property-based fuzzing through the real parts: arbitrary frames on a real socket of a real room,
 * arbitrary bodies to the real router. Whatever arrives: no 5xx, no socket closed for bad input,
 * and nothing stored but text the contract allows.
 */

/** Frames shaped like ours with wrong values, plus anything JSON and any string at all. */
const frameLike = fc.oneof(
	fc
		.record(
			{
				type: fc.constantFrom("send", "typing", "delete", "ping", "", "SEND"),
				text: fc.oneof(
					fc.string(),
					fc.string({ unit: "binary", maxLength: 50 }),
					fc.integer(),
					fc.constant(null),
				),
				clientId: fc.oneof(fc.string({ maxLength: 80 }), fc.integer(), fc.constant(undefined)),
				seq: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(-1)),
			},
			{ requiredKeys: ["type"] },
		)
		.map((frame) => JSON.stringify(frame)),
	fc.json({ maxDepth: 3 }),
	fc.string({ unit: "binary", maxLength: 200 }),
	fc.string({ maxLength: 5000 }).map((text) => JSON.stringify({ type: "send", text })),
	// Near the limits: surrounding blanks (trimmed), astral characters (one character, two code units).
	fc
		.tuple(fc.constantFrom("", " ", "\n\t "), fc.string({ unit: "binary", minLength: 1, maxLength: 4100 }))
		.map(([blank, text]) => JSON.stringify({ type: "send", text: `${blank}${text}${blank}` })),
);

/** What the server makes of a text before it counts and stores it (the contract's rules). */
const normalized = (text: string) => text.replace(/\r\n?/g, "\n").trim();

/** What the contract lets a stored message's text be. */
function allowedText(text: string): boolean {
	return (
		text.length > 0 &&
		// Characters are code points: an astral character is one of the 4,000.
		[...text].length <= 4000 &&
		isWellFormed(text) &&
		// biome-ignore lint/suspicious/noControlCharactersInRegex: the controls are what is checked
		!/[\u0000-\u0008\u000b-\u001f\u007f\r\u202a-\u202e\u2066-\u2069]/.test(text)
	);
}

async function stored(chatId: string, token: string): Promise<ChatMessage[]> {
	const response = await api(`/api/chats/${chatId}/messages?limit=200`, { headers: bearer(token) });
	expect(response.status).toBe(200);
	return (await response.json<{ messages: ChatMessage[] }>()).messages;
}

describe("fuzzed client frames", () => {
	it("never close the socket, are each answered or applied, and store only allowed text", async () => {
		const chat = await createChat();
		// Someone else's message, which the fuzzer (a member) may never delete: the probe below.
		const author = await joinToken(chat, "author");
		expect(
			(await postJson(`/api/chats/${chat.id}/messages`, { text: "not yours" }, bearer(author.token))).status,
		).toBe(201);
		const { token } = await joinToken(chat, "fuzzer");
		const socket = await TestSocket.open(chat.id, token);
		const sentTexts = new Set<string>(["not yours"]);
		let probes = 0;

		await fc.assert(
			fc.asyncProperty(frameLike, async (raw) => {
				try {
					const parsed: unknown = JSON.parse(raw);
					if (
						typeof parsed === "object" &&
						parsed !== null &&
						"text" in parsed &&
						typeof parsed.text === "string"
					)
						sentTexts.add(normalized(parsed.text));
				} catch {
					// Not JSON: nothing it could store.
				}
				socket.send(raw);
				// A probe the room must refuse (another's message, and not an owner or moderator): once it is
				// answered, so was the frame before it.
				probes += 1;
				socket.send({ type: "delete", seq: 1 });
				await socket.until(
					() => socket.of("error").filter((frame) => frame.code === "forbidden").length >= probes,
					"the probe's answer",
				);
				expect(socket.closed).toBeNull();
				expect(socket.invalid).toEqual([]);
			}),
			{ numRuns: 80 },
		);

		for (const message of await stored(chat.id, token)) {
			// The fuzzer may delete its own messages: a deleted one keeps its seq and no text, as the
			// contract says, and must be the fuzzer's own.
			if (message.deleted) {
				expect(message.text).toBe("");
				expect(message.user.name).toBe("fuzzer");
				continue;
			}
			expect(allowedText(message.text), JSON.stringify(message.text)).toBe(true);
			expect(sentTexts.has(message.text), `stored but never sent: ${JSON.stringify(message.text)}`).toBe(
				true,
			);
		}
		socket.close();
	});
});

describe("fuzzed texts at the length limit", () => {
	it("are stored exactly as normalised when at most 4,000 characters, and refused past it", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat, "measurer");
		// Under the rate limit (20 per window), so every accepted text must be stored.
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 3990, max: 4010 }),
				fc.constantFrom("a", "\u{1F600}", "é", "\r\n"),
				async (count, unit) => {
					const text = `x${unit.repeat(count - 1)}`;
					const expected = normalized(text);
					const response = await postJson(`/api/chats/${chat.id}/messages`, { text }, bearer(token));
					if ([...expected].length <= 4000) {
						expect(response.status).toBe(201);
						const { message } = await response.json<{ message: ChatMessage }>();
						expect(message.text).toBe(expected);
					} else {
						expect(response.status).toBe(400);
						await response.body?.cancel();
					}
				},
			),
			{ numRuns: 18 },
		);
	});
});

describe("fuzzed HTTP bodies", () => {
	const body = fc.oneof(
		fc.json({ maxDepth: 3 }),
		fc.string({ unit: "binary", maxLength: 300 }),
		fc
			.record({ name: fc.anything(), text: fc.anything(), clientId: fc.anything(), key: fc.anything() })
			.map((value) => {
				try {
					return JSON.stringify(value) ?? "";
				} catch {
					return "";
				}
			}),
	);
	const contentType = fc.constantFrom(
		"application/json",
		"text/plain",
		"application/json; charset=utf-8",
		"",
	);

	it("never get a 5xx: a refusal is a JSON error with a code", async () => {
		const chat = await createChat();
		const { token } = await joinToken(chat, "poster");
		const paths = ["/api/chats", `/api/chats/${chat.id}/tokens`, `/api/chats/${chat.id}/messages`];

		await fc.assert(
			fc.asyncProperty(fc.constantFrom(...paths), body, contentType, async (path, raw, type) => {
				const headers: Record<string, string> = { ...bearer(token) };
				if (type !== "") headers["Content-Type"] = type;
				const response = await api(path, { method: "POST", headers, body: raw });
				expect(response.status, `${path} ${raw}`).toBeLessThan(500);
				if (response.status >= 400) {
					const error = await response.json<{ error: { code: string; message: string } }>();
					expect(typeof error.error.code).toBe("string");
					expect(error.error.message.length).toBeGreaterThan(0);
				} else {
					await response.body?.cancel();
				}
			}),
			{ numRuns: 150 },
		);

		for (const message of await stored(chat.id, token)) {
			expect(allowedText(message.text), JSON.stringify(message.text)).toBe(true);
		}
		// Valid posts among the noise still work.
		expect(
			(await postJson(`/api/chats/${chat.id}/messages`, { text: "still here" }, bearer(token))).status,
		).toBe(201);
	});
});
