import type { ChatMessage } from "../protocol";
import type { ExportWriter } from "./formats";

/** Messages read from the room per round trip: big enough to keep RPC overhead small. */
export const exportPageSize = 1000;

export type PageReader = (
	after: number,
	limit: number,
) => Promise<{ messages: ChatMessage[]; hasMore: boolean }>;

/**
 * The log as a byte stream, pulled one page at a time: a page is read from the room only when
 * the reader wants more (highWaterMark 1), so memory holds one page whatever the log's size.
 */
export function exportStream(writer: ExportWriter, readPage: PageReader): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	let after = 0;
	let first = true;
	let started = false;
	return new ReadableStream<Uint8Array>(
		{
			async pull(controller) {
				if (!started) {
					started = true;
					if (writer.head) {
						controller.enqueue(encoder.encode(writer.head));
						return;
					}
				}
				const page = await readPage(after, exportPageSize);
				let chunk = "";
				for (const message of page.messages) {
					chunk += writer.message(message, first);
					first = false;
					after = message.seq;
				}
				if (!page.hasMore || page.messages.length === 0) {
					chunk += writer.tail;
					if (chunk) controller.enqueue(encoder.encode(chunk));
					controller.close();
					return;
				}
				controller.enqueue(encoder.encode(chunk));
			},
		},
		{ highWaterMark: 1 },
	);
}
