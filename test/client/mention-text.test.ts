import { describe, expect, it } from "vitest";
import {
	matchPeople,
	mentionCandidates,
	mentionedIds,
	mentionQueryAt,
} from "../../web/pages/room/mention-text.ts";
import { limits } from "../../worker/protocol/limits.ts";

const jose = { id: "u1", name: "José Ruiz" };
const joanna = { id: "u2", name: "Joanna" };
const maria = { id: "u3", name: "María José" };
const bob = { id: "u4", name: "Bob" };

describe("the text of mentions", () => {
	it("finds the @ word before the caret, and not an address or a space after the @", () => {
		expect(mentionQueryAt("hi @jo", 6)).toEqual({ start: 3, query: "jo" });
		expect(mentionQueryAt("@", 1)).toEqual({ start: 0, query: "" });
		expect(mentionQueryAt("(@Bob", 5)).toEqual({ start: 1, query: "Bob" });
		expect(mentionQueryAt("@María J", 8)).toEqual({ start: 0, query: "María J" });
		expect(mentionQueryAt("mail ann@example.com", 20)).toBeNull();
		expect(mentionQueryAt("@ bob", 5)).toBeNull();
		expect(mentionQueryAt("@bob\nand", 8)).toBeNull();
		expect(mentionQueryAt("no at here", 10)).toBeNull();
		// Only what is before the caret counts.
		expect(mentionQueryAt("@jo and more", 3)).toEqual({ start: 0, query: "jo" });
	});

	it("narrows people by name without case or accents: names that start with it first, then later words", () => {
		const people = [maria, jose, joanna, bob];
		expect(matchPeople(people, "JOSE", 8)).toEqual([jose, maria]);
		expect(matchPeople(people, "jo", 8)).toEqual([jose, joanna, maria]);
		expect(matchPeople(people, "mar", 8)).toEqual([maria]);
		expect(matchPeople(people, "", 2)).toEqual([maria, jose]);
		expect(matchPeople(people, "zed", 8)).toEqual([]);
	});

	it("offers each person once, in the order of the lists, never the person writing", () => {
		expect(
			mentionCandidates(
				[
					[bob, jose],
					[joanna, bob, maria],
				],
				"u2",
			),
		).toEqual([bob, jose, maria]);
	});

	it("mentions the chosen people whose @Name is still in the text as a whole name, each once", () => {
		expect(mentionedIds("@José Ruiz and @Bob", [jose, bob])).toEqual(["u1", "u4"]);
		expect(mentionedIds("@Bobby and @José Ruiz", [bob, jose])).toEqual(["u1"]);
		expect(mentionedIds("@Bob, @Bob!", [bob, bob])).toEqual(["u4"]);
		expect(mentionedIds("nobody now", [bob])).toEqual([]);
		const many = Array.from({ length: limits.mentionsMax + 5 }, (_, index) => ({
			id: `p${index}`,
			name: `P${index}`,
		}));
		const text = many.map((person) => `@${person.name}`).join(" ");
		expect(mentionedIds(text, many)).toHaveLength(limits.mentionsMax);
	});
});
