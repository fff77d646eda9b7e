import type { ChatMessage, ChatSettings } from "../protocol";

export const exportFormats = ["ndjson", "json", "txt"] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** A message as exported: a deleted one keeps its place and author, never its text. */
export type ExportedMessage = Omit<ChatMessage, "text"> & { text?: string };

export function exported(message: ChatMessage): ExportedMessage {
	if (!message.deleted) return message;
	const { text: _removed, ...rest } = message;
	return rest;
}

export const contentTypes: Record<ExportFormat, string> = {
	ndjson: "application/x-ndjson; charset=utf-8",
	json: "application/json; charset=utf-8",
	txt: "text/plain; charset=utf-8",
};

/**
 * Each format as a head, one piece per message and a tail, so that a stream can write a page at
 * a time and never hold the whole log. `first` tells the JSON array where commas go.
 */
export interface ExportWriter {
	head: string;
	message(message: ChatMessage, first: boolean): string;
	tail: string;
}

export function exportWriter(format: ExportFormat, chat: ChatSettings, exportedAt: number): ExportWriter {
	switch (format) {
		case "ndjson":
			return { head: "", message: (message) => `${JSON.stringify(exported(message))}\n`, tail: "" };
		case "json":
			return {
				head: `{"chat":${JSON.stringify({ id: chat.id, name: chat.name })},"exportedAt":${exportedAt},"messages":[`,
				message: (message, first) => `${first ? "" : ","}\n${JSON.stringify(exported(message))}`,
				tail: "\n]}\n",
			};
		case "txt":
			return {
				head: `${chat.name} (${chat.id}), exported ${isoTime(exportedAt)}\n\n`,
				message: (message) => `${textLine(message)}\n`,
				tail: "",
			};
	}
}

/**
 * `2026-12-01 21:40:05 ada: hello`, or `… bob (replying to ada, #12): yes`; later lines of a message
 * are indented, so each entry stays one block. Its files follow the text: `[image/png 640x480]`.
 */
function textLine(message: ChatMessage): string {
	const files = (message.attachments ?? []).map((file) => `[${file.type} ${file.width}x${file.height}]`);
	const body = message.deleted
		? "[deleted]"
		: [message.text.replaceAll("\n", "\n    "), ...files].filter((part) => part !== "").join(" ");
	const answering = message.replyTo
		? ` (replying to ${message.replyTo.user.name}, #${message.replyTo.seq})`
		: "";
	return `${isoTime(message.ts)} ${message.user.name}${answering}: ${body}`;
}

function isoTime(ms: number): string {
	return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}
