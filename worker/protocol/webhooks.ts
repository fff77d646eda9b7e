import { z } from "zod";

/** What a chat can tell its webhook. `member.*` are coalesced like presence frames. */
export const webhookEventTypes = [
	"message.created",
	"message.deleted",
	"message.edited",
	"member.joined",
	"member.left",
	"chat.occupied",
	"chat.vacated",
] as const;

export type WebhookEventType = (typeof webhookEventTypes)[number];

export const webhookBody = z.object({
	url: z.string().min(1).max(2000),
	events: z.array(z.enum(webhookEventTypes)).min(1).max(webhookEventTypes.length),
});

/** PUT's answer: the signing secret is shown this once. */
export const webhookCreated = z.object({
	url: z.string(),
	events: z.array(z.enum(webhookEventTypes)),
	/** Standard Webhooks secret: `whsec_` and the base64 of the HMAC key. */
	secret: z.string(),
});

export const webhookStatus = z.object({
	url: z.string(),
	events: z.array(z.enum(webhookEventTypes)),
	/** Events written to the outbox and not yet delivered or dead-lettered. */
	pending: z.number().int(),
	delivered: z.number().int(),
	/** Events moved to the dead-letter queue after the last attempt. */
	failed: z.number().int(),
	/** What went wrong last (`HTTP 503`, `timeout after 10000 ms`, …), or null. */
	lastError: z.string().nullable(),
});

/** The body of every webhook POST. */
export interface WebhookEvent {
	/** The same as the `webhook-id` header: de-duplicate by it. */
	id: string;
	type: WebhookEventType;
	chatId: string;
	/** Epoch milliseconds: when the change happened. Events of a chat are sent in this order. */
	createdAt: number;
	data: unknown;
}

export type WebhookRequest = z.infer<typeof webhookBody>;
export type WebhookCreated = z.infer<typeof webhookCreated>;
export type WebhookStatus = z.infer<typeof webhookStatus>;
