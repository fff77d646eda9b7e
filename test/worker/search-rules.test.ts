import { describe, expect, it } from "vitest";
import { matchExpression } from "../../worker/sequencer/search-query";
import { api, createChat, expectError, joinToken, postMessage, search, searchRequest } from "./helpers";

const apiKey = { "X-API-Key": "test-api-key-one" };

describe("GET /api/chats/:id/search: who may, and what it refuses", () => {
	it("answers 400 bad_request for a missing, blank or too long q, or a bad limit or cursor", async () => {
		const chat = await createChat();
		expect(await expectError(await api(`/api/chats/${chat.id}/search`), 400, "bad_request")).toMatch(/^q:/);
		expect(await expectError(await searchRequest(chat.id, "   "), 400, "bad_request")).toMatch(/blank/);
		await expectError(await searchRequest(chat.id, "\u2028\uFEFF\t"), 400, "bad_request");
		expect(await expectError(await searchRequest(chat.id, "é".repeat(201)), 400, "bad_request")).toMatch(
			/200 characters/,
		);
		expect((await searchRequest(chat.id, "é".repeat(200))).status).toBe(200);
		await expectError(await searchRequest(chat.id, "x", "&limit=0"), 400, "bad_request");
		await expectError(await searchRequest(chat.id, "x", "&limit=101"), 400, "bad_request");
		await expectError(await searchRequest(chat.id, "x", "&before=-1"), 400, "bad_request");
		await expectError(await searchRequest(chat.id, "x", "&limit=ten"), 400, "bad_request");
		expect((await searchRequest(chat.id, "x", "&limit=100")).status).toBe(200);
	});

	it("lets whoever may read the history search it, and no one else", async () => {
		const chat = await createChat({ visibility: "private" });
		const { token } = await joinToken(chat, "alice");
		await postMessage(chat.id, token, "private matter");
		const elsewhere = await createChat();
		const stranger = await joinToken(elsewhere, "mallory");
		await expectError(await searchRequest(chat.id, "private"), 404, "not_found");
		await expectError(await searchRequest(chat.id, "private", "&key=wrong"), 404, "not_found");
		await expectError(
			await searchRequest(chat.id, "private", "", { Authorization: `Bearer ${stranger.token}` }),
			401,
			"unauthorized",
		);
		const found = { messages: [{ text: "private matter" }], hasMore: false };
		expect(await search(chat.id, "matter", "", { Authorization: `Bearer ${token}` })).toMatchObject(found);
		expect(await search(chat.id, "matter", "", { "X-Chat-Key": chat.inviteKey ?? "" })).toMatchObject(found);
		expect(await search(chat.id, "matter", "", apiKey)).toMatchObject(found);
		await expectError(await searchRequest("nosuchchat0000", "x"), 404, "not_found");
	});
});

describe("the OpenAPI document", () => {
	it("describes the search and what a post may carry besides its text", async () => {
		type Doc = { paths: Record<string, Record<string, Operation>> };
		type Operation = {
			parameters?: Array<{ name: string; in: string; required?: boolean }>;
			requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
		};
		const doc = await (await api("/api/openapi.json")).json<Doc>();
		const searchOperation = doc.paths["/chats/{id}/search"]?.get;
		const query = (searchOperation?.parameters ?? []).filter((parameter) => parameter.in === "query");
		expect(query.map((parameter) => [parameter.name, parameter.required ?? false]).sort()).toEqual([
			["before", false],
			["limit", false],
			["q", true],
		]);
		const post = doc.paths["/chats/{id}/messages"]?.post?.requestBody?.content["application/json"];
		expect(Object.keys(post?.schema.properties ?? {})).toEqual(
			expect.arrayContaining(["text", "clientId", "replyTo", "mentions"]),
		);
	});
});

describe("matchExpression", () => {
	it("quotes every word as a string, doubling its quotes, and makes only the last a prefix", () => {
		expect(matchExpression("hello wor")).toBe('"hello" "wor"*');
		expect(matchExpression('say "hi" OR NEAR(x)')).toBe('"say" """hi""" "OR" "NEAR(x)"*');
		expect(matchExpression("  spaced\tout\n")).toBe('"spaced" "out"*');
		expect(matchExpression("nul\u0000inside")).toBe('"nul" "inside"*');
	});

	it("leaves out words without a letter or a digit, and gives null when none is left", () => {
		expect(matchExpression('cats - * " dogs')).toBe('"cats" "dogs"*');
		expect(matchExpression('- * " ( :')).toBeNull();
	});
});
