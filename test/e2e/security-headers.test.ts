import { describe, expect, it } from "vitest";
import { baseUrl, createChat, joinRoom, newContext, unique } from "./helpers.ts";

/** Through wrangler dev, so the real assets router decides what reaches the Worker. */

function directives(response: Response): Map<string, string> {
	const policy = response.headers.get("Content-Security-Policy") ?? "";
	return new Map(
		policy
			.split(";")
			.map((part) => part.trim())
			.filter((part) => part.length > 0)
			.map((part) => {
				const [name = "", ...values] = part.split(/\s+/);
				return [name, values.join(" ")];
			}),
	);
}

describe("page security headers", () => {
	it.each(["/", "/c/AbCdEf0123456789", "/no/such/page"])(
		"%s: a CSP with scripts from our origin only, never framed, no referrer, nosniff",
		async (path) => {
			const response = await fetch(`${baseUrl}${path}`);
			expect(response.status).toBe(200);
			expect(response.headers.get("Content-Type")).toMatch(/text\/html/);
			const policy = directives(response);
			expect(policy.get("script-src")).toBe("'self'");
			expect(policy.get("default-src")).toBe("'self'");
			expect(policy.get("frame-ancestors")).toBe("'none'");
			expect(response.headers.get("X-Frame-Options")).toBe("DENY");
			expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
			expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
		},
	);

	it("lets any site frame /embed/* pages by default (EMBED_ORIGINS=*), with the same CSP otherwise", async () => {
		const response = await fetch(`${baseUrl}/embed/AbCdEf0123456789`);
		expect(response.status).toBe(200);
		const policy = directives(response);
		expect(policy.has("frame-ancestors")).toBe(false);
		expect(policy.get("script-src")).toBe("'self'");
		expect(response.headers.get("X-Frame-Options")).toBeNull();
		expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
	});

	it("serves a built page without inline script, which the policy would block", async () => {
		const html = await (await fetch(`${baseUrl}/`)).text();
		const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
		expect(scripts.length).toBeGreaterThan(0);
		for (const [, attributes = "", body = ""] of scripts) {
			expect(attributes).toMatch(/\bsrc="\/assets\//);
			expect(body.trim()).toBe("");
		}
		expect(html).not.toMatch(/\son[a-z]+\s*=/i);
		expect(html).not.toMatch(/javascript:/i);
		expect(html).not.toMatch(/<style\b/i);
	});

	it("sends nosniff with the hashed assets too (web/public/_headers)", async () => {
		const html = await (await fetch(`${baseUrl}/`)).text();
		const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
		expect(script).toBeDefined();
		const response = await fetch(`${baseUrl}${script}`);
		expect(response.status).toBe(200);
		expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
	});

	it("runs the pages in Chromium without a single policy violation", async () => {
		const chat = await createChat({ name: unique("Strict page") });
		const context = await newContext();
		const page = await context.newPage();
		const violations: string[] = [];
		page.on("console", (message) => {
			if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
		});
		await page.addInitScript(() => {
			document.addEventListener("securitypolicyviolation", (event) =>
				console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`),
			);
		});
		await page.goto("/");
		await page.getByRole("heading", { name: "Public chats" }).waitFor();
		await joinRoom(page, `/c/${chat.id}`, "Strict");
		await page.getByLabel("Message", { exact: true }).fill("sent under a strict policy");
		await page.getByRole("button", { name: "Send", exact: true }).click();
		await page.getByRole("log", { name: "Messages" }).getByText("sent under a strict policy").waitFor();
		expect(violations).toEqual([]);
		await context.close();
	});
});

describe("/api without a trailing slash", () => {
	it("is answered by the API with a JSON 404, not by the web page", async () => {
		for (const path of ["/api", "/api/"]) {
			const response = await fetch(`${baseUrl}${path}`);
			expect(response.status).toBe(404);
			expect(response.headers.get("Content-Type")).toMatch(/application\/json/);
			const body = (await response.json()) as { error: { code: string; message: string } };
			expect(body.error.code).toBe("not_found");
			expect(body.error.message.length).toBeGreaterThan(0);
		}
	});
});
