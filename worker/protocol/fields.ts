import { z } from "zod";
import { limits } from "./limits";

/** Characters never allowed in names: C0/C1 controls and bidirectional overrides (spoofing). */
const forbiddenInNames = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

/** Length in characters as a person counts them, not UTF-16 code units. */
export function characterCount(text: string): number {
	let count = 0;
	for (const _ of text) count++;
	return count;
}

function displayName(what: string, max: number) {
	return z
		.string()
		.trim()
		.refine((name) => characterCount(name) >= 1 && characterCount(name) <= max, {
			message: `${what} must be 1 to ${max} characters`,
		})
		.refine((name) => !forbiddenInNames.test(name), {
			message: `${what} must not contain control characters`,
		});
}

export const userName = displayName("name", limits.userNameMax);
export const chatName = displayName("name", limits.chatNameMax);

export const messageText = z
	.string()
	.trim()
	.refine((text) => text.length > 0, { message: "text must not be empty" })
	.refine((text) => characterCount(text) <= limits.textMax, {
		message: `text must be at most ${limits.textMax} characters`,
	});

/** Chosen by the client to make a send idempotent; unique per user within a chat. */
export const clientId = z
	.string()
	.min(1)
	.max(limits.clientIdMax)
	.regex(/^[\w.:-]+$/, { message: "clientId may hold letters, digits and _ . : - only" });

export const seq = z.number().int().positive();

export const chatId = z.string().regex(/^[A-Za-z0-9]{12,32}$/, { message: "not a chat id" });

export const visibility = z.enum(["public", "private"]);
export const role = z.enum(["owner", "member"]);

export function isRole(value: unknown): value is z.infer<typeof role> {
	return role.safeParse(value).success;
}
