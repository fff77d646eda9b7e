import { describe, expect, it } from "vitest";
import { readSettings } from "../../worker/config";
import { frameAncestors, pageSecurityHeaders } from "../../worker/http/security-headers";

/** The policy itself; test/e2e/security-headers.test.ts checks it on real responses. */

describe("frame-ancestors", () => {
	it("never lets other pages be framed, whatever EMBED_ORIGINS says", () => {
		for (const path of ["/", "/c/AbCdEf0123456789", "/embed", "/embedded/x"]) {
			expect(frameAncestors(path, ["*"])).toBe("'none'");
			expect(frameAncestors(path, ["https://blog.example"])).toBe("'none'");
		}
	});

	it("lets embed pages be framed by any site by default, or by the listed sites only", () => {
		expect(readSettings({}).embedOrigins).toEqual(["*"]);
		expect(frameAncestors("/embed/AbCdEf0123456789", readSettings({}).embedOrigins)).toBeNull();
		const listed = readSettings({ EMBED_ORIGINS: "https://blog.example, https://*.docs.example:8443" });
		expect(frameAncestors("/embed/AbCdEf0123456789", listed.embedOrigins)).toBe(
			"'self' https://blog.example https://*.docs.example:8443",
		);
		expect(frameAncestors("/embed/AbCdEf0123456789", ["none"])).toBe("'none'");
	});

	it("drops list entries that are not origins, so nothing can be injected into the header", () => {
		expect(frameAncestors("/embed/x", ["https://ok.example", "evil; script-src *"])).toBe(
			"'self' https://ok.example",
		);
		expect(frameAncestors("/embed/x", ["; default-src *"])).toBe("'none'");
	});
});

describe("pageSecurityHeaders", () => {
	it("allows scripts and styles from our origin only, and sockets to it", () => {
		const headers = pageSecurityHeaders(new URL("https://chat.example/c/x"), ["*"]);
		const policy = headers.get("Content-Security-Policy") ?? "";
		expect(policy).toContain("script-src 'self'");
		expect(policy).not.toContain("unsafe-inline");
		expect(policy).toContain("connect-src 'self' wss://chat.example");
		// A private chat's images are shown from memory (object URLs), never fetched by address.
		expect(policy).toContain("img-src 'self' data: blob:");
		expect(policy).toContain("frame-ancestors 'none'");
		expect(headers.get("Referrer-Policy")).toBe("no-referrer");
		expect(headers.get("X-Content-Type-Options")).toBe("nosniff");
	});
});
