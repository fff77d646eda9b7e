import type { z } from "zod";

type Issue = z.core.$ZodIssue;

const kinds: Record<string, string> = {
	string: "text",
	number: "a number",
	int: "a whole number",
	boolean: "true or false",
	object: "an object",
	array: "a list",
};

/**
 * A validation problem in words a person can read: "name: required", "limit: must be at most
 * 200". The validator's own texts ("Invalid input: expected string, received undefined") are
 * for programmers; messages this contract wrote itself (refinements, patterns) are kept as they are.
 */
export function readableIssue(issue: Issue | undefined): string {
	if (!issue) return "invalid request";
	const field = issue.path.length > 0 ? issue.path.join(".") : "body";
	return `${field}: ${problem(issue)}`;
}

function problem(issue: Issue): string {
	switch (issue.code) {
		case "invalid_type":
			if (/received undefined/.test(issue.message)) return "required";
			if (/received NaN/.test(issue.message)) return "must be a number";
			return `must be ${kinds[issue.expected] ?? issue.expected}`;
		case "invalid_value":
			return issue.values.length === 1
				? `must be ${JSON.stringify(issue.values[0])}`
				: `must be one of ${issue.values.map((value) => String(value)).join(", ")}`;
		case "too_big":
			return `must be at most ${String(issue.maximum)}${unit(issue.origin)}`;
		case "too_small":
			return `must be at least ${String(issue.minimum)}${unit(issue.origin)}`;
		case "invalid_union":
			return "options" in issue && Array.isArray(issue.options)
				? `must be one of ${issue.options.map((option) => String(option)).join(", ")}`
				: "is not any of the accepted forms";
		case "unrecognized_keys":
			return `unknown field ${issue.keys.join(", ")}`;
		default:
			return issue.message;
	}
}

function unit(origin: string): string {
	if (origin === "string") return " characters";
	if (origin === "array" || origin === "set") return " items";
	return "";
}
