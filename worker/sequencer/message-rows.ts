import type { ChatMessage, FileInfo, ReactionCount } from "../protocol";

/** A message as the log stores it: one row of `messages`. */
export type MessageRow = {
	seq: number;
	id: string;
	user_id: string;
	user_name: string;
	text: string;
	ts: number;
	client_id: string | null;
	deleted: number;
	edited_at: number | null;
	reactions: string | null;
	changed_rev: number;
	reply_seq: number | null;
	reply_user_id: string | null;
	reply_user_name: string | null;
	/** The quote of a reply; null once the message it answers is deleted. */
	reply_text: string | null;
	mentions: string | null;
	/** The files it carries, as JSON; null once deleted. */
	attachments: string | null;
};

export const columns =
	"seq, id, user_id, user_name, text, ts, client_id, deleted, edited_at, reactions, changed_rev, " +
	"reply_seq, reply_user_id, reply_user_name, reply_text, mentions, attachments";

/** Columns added after the first release; older logs get them on load. */
export const laterColumns: Array<[string, string]> = [
	["edited_at", "INTEGER"],
	["reactions", "TEXT"],
	["rev", "INTEGER NOT NULL DEFAULT 0"],
	["changed_rev", "INTEGER NOT NULL DEFAULT 0"],
	["reply_seq", "INTEGER"],
	["reply_user_id", "TEXT"],
	["reply_user_name", "TEXT"],
	["reply_text", "TEXT"],
	["mentions", "TEXT"],
	["attachments", "TEXT"],
];

export function toMessage(row: MessageRow): ChatMessage {
	const message: ChatMessage = {
		seq: row.seq,
		id: row.id,
		user: { id: row.user_id, name: row.user_name },
		text: row.text,
		ts: row.ts,
	};
	if (row.client_id !== null) message.clientId = row.client_id;
	if (row.deleted) message.deleted = true;
	if (row.edited_at !== null && !row.deleted) message.editedAt = row.edited_at;
	if (row.reactions !== null) message.reactions = parseReactions(row.reactions);
	if (row.reply_seq !== null) {
		const user = { id: row.reply_user_id ?? "", name: row.reply_user_name ?? "" };
		message.replyTo =
			row.reply_text === null
				? { seq: row.reply_seq, user, deleted: true }
				: { seq: row.reply_seq, user, text: row.reply_text };
	}
	if (row.mentions !== null) message.mentions = parseStrings(row.mentions);
	if (row.attachments !== null) message.attachments = parseFiles(row.attachments);
	return message;
}

/** Written only by setReactions; read back defensively all the same. */
function parseReactions(json: string): ReactionCount[] {
	return parseArray(json).filter(
		(item): item is ReactionCount =>
			typeof item === "object" &&
			item !== null &&
			"emoji" in item &&
			typeof item.emoji === "string" &&
			"count" in item &&
			typeof item.count === "number",
	);
}

/** Written only by append, from files the chat recognised itself. */
function parseFiles(json: string): FileInfo[] {
	return parseArray(json).filter(
		(item): item is FileInfo =>
			typeof item === "object" && item !== null && "id" in item && typeof item.id === "string",
	);
}

function parseStrings(json: string): string[] {
	return parseArray(json).filter((item): item is string => typeof item === "string");
}

function parseArray(json: string): unknown[] {
	try {
		const value: unknown = JSON.parse(json);
		return Array.isArray(value) ? value : [];
	} catch {
		return [];
	}
}
