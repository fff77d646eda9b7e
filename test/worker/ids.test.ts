import { describe, expect, it } from "vitest";
import { newChatId, newSecretKey, newUserId, randomId } from "../../worker/ids";

describe("random ids", () => {
	it("are of their length and alphabet, never repeat, and use every character about equally", () => {
		const ids = Array.from({ length: 5000 }, () => randomId(16));
		expect(new Set(ids).size).toBe(ids.length);
		for (const id of ids) expect(id).toMatch(/^[0-9A-Za-z]{16}$/);
		expect(newUserId()).toMatch(/^u[0-9A-Za-z]{15}$/);
		expect(newChatId()).toMatch(/^[0-9A-Za-z]{16}$/);
		expect(newSecretKey()).toHaveLength(32);

		// 80,000 characters over 62: about 1,290 each. A skew of the rejection sampling (bytes
		// 248-255 taken) would put the first eight characters near 1,560.
		const counts = new Map<string, number>();
		for (const char of ids.join("")) counts.set(char, (counts.get(char) ?? 0) + 1);
		expect(counts.size).toBe(62);
		for (const count of counts.values()) expect(Math.abs(count - 80_000 / 62)).toBeLessThan(160);
	});
});
