import { z } from "zod";
import { limits } from "./limits";
import { characterCount, isReactionEmoji, isWellFormed, normalizeLineBreaks } from "./text";

/** Bidirectional overrides and isolates: they can make text read differently from what it is. */
const bidiControls = "\u202A-\u202E\u2066-\u2069";

/** Characters never allowed in names: C0/C1 controls (newline and tab too) and bidi controls. */
const forbiddenInNames = new RegExp(`[\\p{Cc}${bidiControls}]`, "u");

/** Characters never allowed in message text: the same, except newline and tab. */
const forbiddenInText = new RegExp(`[\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F${bidiControls}]`, "u");

const wellFormed = (what: string) =>
	z.string().refine(isWellFormed, {
		message: `${what} must be well-formed Unicode (it holds an unpaired surrogate)`,
		abort: true,
	});

function displayName(what: string, max: number) {
	return wellFormed(what)
		.trim()
		.refine((name) => characterCount(name) >= 1 && characterCount(name) <= max, {
			message: `${what} must be 1 to ${max} characters`,
		})
		.refine((name) => !forbiddenInNames.test(name), {
			message: `${what} must not contain control characters or bidirectional overrides`,
		})
		.describe(
			`1 to ${max} characters (code points) after trimming; well-formed Unicode; no control characters ` +
				"and no bidirectional overrides or isolates (U+202A-U+202E, U+2066-U+2069)",
		);
}

export const userName = displayName("name", limits.userNameMax);
export const chatName = displayName("name", limits.chatNameMax);

/** Message text as it is stored: line breaks normalised to LF, then trimmed. */
const storedText = wellFormed("text").overwrite(normalizeLineBreaks).trim();

const textIsPlain = (text: string) => !forbiddenInText.test(text);
const plainTextRule = {
	message:
		"text must not contain control characters (other than newline and tab) or bidirectional overrides (U+202A-U+202E, U+2066-U+2069)",
};
const textFits = (text: string) => characterCount(text) <= limits.textMax;
const textFitsRule = { message: `text must be at most ${limits.textMax} characters` };
const textRules =
	"once CRLF and CR are turned into LF and the text is trimmed, which is how it is stored; well-formed " +
	"Unicode (no unpaired surrogates); no control characters other than newline and tab; no bidirectional " +
	"overrides or isolates (U+202A-U+202E, U+2066-U+2069). Refused with bad_request, never altered otherwise.";

/**
 * Message text is stored exactly as validated here: line breaks normalised to LF, then trimmed.
 * Controls other than newline and tab, and bidi controls, are refused rather than stripped, so
 * the sender's acknowledgement always shows what everyone else sees.
 */
export const messageText = storedText
	.refine((text) => text.length > 0, { message: "text must not be empty" })
	.refine(textIsPlain, plainTextRule)
	.refine(textFits, textFitsRule)
	.describe(`1 to ${limits.textMax} characters (code points) ${textRules}`);

/**
 * A new message's text: the rules of `messageText`, except that it may be empty when the message
 * carries attachments (`withContent` checks the two together).
 */
export const sendText = storedText
	.refine(textIsPlain, plainTextRule)
	.refine(textFits, textFitsRule)
	.describe(
		`0 to ${limits.textMax} characters (code points; empty only when the message carries attachments) ${textRules}`,
	);

/** A new message says something: its text is not empty, or it carries attachments. */
export function hasContent(send: { text: string; attachments?: string[] | undefined }): boolean {
	return send.text.length > 0 || (send.attachments?.length ?? 0) > 0;
}

/** The refinement of a send's object: empty text only with attachments, reported at `text`. */
export const contentRule = {
	message: "text must not be empty (unless the message carries attachments)",
	path: ["text"],
};

/** A file uploaded to a chat: "f" and 24 random base62 characters (about 143 bits). */
export const fileId = z.string().regex(/^f[A-Za-z0-9]{24}$/, { message: "not a file id" });

/**
 * The files a new message carries, by id: each uploaded to this chat by the sender, and not yet
 * carried by another message (else bad_request).
 */
export const attachments = z
	.array(fileId)
	.max(limits.attachmentsMax)
	.describe(
		`At most ${limits.attachmentsMax} file ids, each uploaded to this chat by the sender (POST /chats/{id}/files) ` +
			"and carried by no other message; with attachments, `text` may be empty",
	);

/** Chosen by the client to make a send idempotent; unique per user within a chat. */
export const clientId = z
	.string()
	.min(1)
	.max(limits.clientIdMax)
	.regex(/^[\w.:-]+$/, { message: "clientId may hold letters, digits and _ . : - only" });

export const seq = z.number().int().positive();

/** What a send may answer: the seq of a message of the same chat, not deleted. */
export const replyTo = seq.describe(
	"The seq of the message this one answers: a message of this chat, not deleted (else bad_request)",
);

/**
 * Users a send mentions, by id (edgechat's own or a backend's). Ids of users the chat has never
 * issued a token to are dropped; repeats too.
 */
export const mentions = z
	.array(z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, { message: "not a user id" }))
	.max(limits.mentionsMax)
	.describe(
		`At most ${limits.mentionsMax} user ids; those of users who have had a token for this chat are kept, ` +
			"in the order given, without repeats; others are dropped",
	);

/** One grapheme cluster (an emoji with its modifiers and joiners), at most 32 UTF-8 bytes. */
export const emoji = z
	.string()
	.refine(isReactionEmoji, {
		message: `emoji must be one grapheme cluster of at most ${limits.emojiBytesMax} bytes, without spaces or control characters`,
	})
	.describe(
		`One grapheme cluster of at most ${limits.emojiBytesMax} UTF-8 bytes (e.g. 👍 or 👩🏽‍💻); no spaces or control characters`,
	);

/** What a chat id looks like; also tested as it is where every join passes (a schema pass costs more). */
export const chatIdPattern = /^[A-Za-z0-9]{12,32}$/;
export const chatId = z.string().regex(chatIdPattern, { message: "not a chat id" });

export const visibility = z.enum(["public", "private"]);
/** owner: holds the ownerKey; moderator: named by the owner (the chat checks its own list); member. */
export const role = z.enum(["owner", "moderator", "member"]);

/** A user id as the Worker issues them: "u" and 15 base62 characters. */
export const userId = z.string().regex(/^u[A-Za-z0-9]{15}$/, { message: "not a user id" });

export function isRole(value: unknown): value is z.infer<typeof role> {
	return role.safeParse(value).success;
}

/**
 * The shape of user ids edgechat mints itself (`u` and 15 letters or digits). A backend's own ids
 * ("bring your own identity") may be anything else of `[A-Za-z0-9_.:-]{1,64}`, so the two sets never
 * meet: a site's user can never be taken for someone edgechat named, nor the other way round.
 */
export const mintedUserIdPattern = /^u[0-9A-Za-z]{15}$/;

export const externalUserId = z
	.string()
	.regex(/^[A-Za-z0-9_.:-]{1,64}$/, {
		message: "user.id must be 1 to 64 characters of letters, digits and _ . : -",
	})
	.refine((id) => !mintedUserIdPattern.test(id), {
		message: "user.id must not look like an id edgechat mints itself (u and 15 letters or digits)",
	});
