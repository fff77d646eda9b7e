import { ApiError, limits, type Refusal, refusal } from "./protocol";

/**
 * The words of every refusal the chat gives for what a user did, written once: the HTTP routes
 * and the sockets (at the root and on every shard) answer with these same refusals.
 */
export const refusals = {
	chatNotFound: (): Refusal =>
		refusal(404, "not_found", "No such chat (or it is private and the key or token is missing)"),
	noMessage: (seq: number): Refusal => refusal(404, "not_found", `No message ${seq} in this chat`),
	deletedMessage: (seq: number): Refusal => refusal(400, "bad_request", `Message ${seq} was deleted`),
	noHistoryToChange: (): Refusal =>
		refusal(400, "bad_request", "This chat keeps no history: its messages cannot be changed"),
	notYourMessageToEdit: (): Refusal => refusal(403, "forbidden", "You can edit only your own messages"),
	tooManyReactions: (): Refusal =>
		refusal(
			400,
			"bad_request",
			`A message carries at most ${limits.reactionsPerMessageMax} different reactions`,
		),
	noMessageToAnswer: (seq: number): Refusal =>
		refusal(400, "bad_request", `replyTo: no message ${seq} in this chat to answer`),
	deletedMessageToAnswer: (seq: number): Refusal =>
		refusal(400, "bad_request", `replyTo: message ${seq} was deleted and cannot be answered`),
	notYourMessageToDelete: (): Refusal =>
		refusal(403, "forbidden", "Only the chat's owner and moderators may delete others' messages"),
	rateLimited: (retryAfterMs: number): Refusal =>
		refusal(
			429,
			"rate_limited",
			`Too many messages; try again in ${Math.ceil(retryAfterMs / 1000)} s`,
			retryAfterMs,
		),
	banned: (until: number | null): Refusal => refusal(403, "banned", bannedText(until)),
	/** A new identity from the network address of a banned user gets no token. */
	addressBanned: (until: number | null): Refusal =>
		refusal(403, "banned", `${bannedText(until)} (from this network address)`),
	muted: (until: number | null): Refusal =>
		refusal(
			403,
			"muted",
			until === null
				? "You are muted in this chat: you may read, not send"
				: `You are muted in this chat until ${new Date(until).toISOString()}: you may read, not send`,
		),
	readOnly: (): Refusal =>
		refusal(403, "forbidden", "This chat is read-only: only its owner and moderators post"),
	slowMode: (seconds: number, retryAfterMs: number): Refusal =>
		refusal(
			429,
			"slow_mode",
			`Slow mode: one message per ${seconds} s; try again in ${Math.ceil(retryAfterMs / 1000)} s`,
			retryAfterMs,
		),
	wrongKey: (): Refusal => refusal(403, "forbidden", "The key does not match this chat"),
	unknownFile: (id: string): Refusal =>
		refusal(400, "bad_request", `attachments: no file ${id} was uploaded to this chat (or it was deleted)`),
	notYourFile: (id: string): Refusal =>
		refusal(400, "bad_request", `attachments: file ${id} was uploaded by someone else`),
	fileAttached: (id: string, seq: number): Refusal =>
		refusal(400, "bad_request", `attachments: file ${id} is already attached to message ${seq}`),
	tooManyUploads: (retryAfterMs: number): Refusal =>
		refusal(
			429,
			"rate_limited",
			`Too many uploads (${limits.uploadsPerMinute} a minute in a chat); try again in ${Math.ceil(retryAfterMs / 1000)} s`,
			retryAfterMs,
		),
	fileTooLarge: (): Refusal =>
		refusal(
			413,
			"too_large",
			`Files are limited to ${limits.fileBytesMax / (1024 * 1024)} MiB (${limits.fileBytesMax} bytes)`,
		),
	notAnImage: (): Refusal =>
		refusal(
			415,
			"unsupported_media_type",
			"The body is not a PNG, JPEG, GIF or WebP image (it is recognised from its bytes, not its Content-Type)",
		),
	notTheDeclaredType: (declared: string, found: string): Refusal =>
		refusal(
			415,
			"unsupported_media_type",
			`The body is ${found}, not ${declared || "the type declared"}: send it with Content-Type: ${found}`,
		),
	noFile: (id: string): Refusal => refusal(404, "not_found", `No file ${id} in this chat`),
} as const;

export function bannedText(until: number | null): string {
	return until === null
		? "You are banned from this chat"
		: `You are banned from this chat until ${new Date(until).toISOString()}`;
}

/** Thrown by a route that cannot find the chat (or may not say it exists). */
export const chatNotFound = (): ApiError => ApiError.of(refusals.chatNotFound());
