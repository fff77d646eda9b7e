import { roomStub } from "../routing/room-stub";
import type { WebhookTask } from "./outbox";
import { webhookHeaders } from "./signing";

/** The dead-letter queue's name, as in wrangler.toml (`dead_letter_queue`). */
export const deadLetterQueue = "edgechat-webhooks-dead";

const defaultTimeoutMs = 10_000;
/** Exponential backoff between attempts: 1 s, 2 s, 4 s, … at most this. */
const maxDelaySeconds = 300;

export function retryDelaySeconds(attempts: number): number {
	return Math.min(maxDelaySeconds, 2 ** Math.max(0, attempts - 1));
}

/**
 * The queue handler. Tasks of the main queue are delivered one after another (a batch is in
 * outbox order); a task the chat says is not yet its turn is dropped, the chat hands it again.
 * A failed attempt is retried with backoff; after `max_retries` the queue moves the task to the
 * dead-letter queue, whose tasks are counted as failed by their chat.
 */
export async function consumeWebhooks(batch: MessageBatch<WebhookTask>, env: Env): Promise<void> {
	const timeoutMs = Number(env.WEBHOOK_TIMEOUT_MS) > 0 ? Number(env.WEBHOOK_TIMEOUT_MS) : defaultTimeoutMs;
	for (const message of batch.messages) {
		const { chatId, n } = message.body;
		const room = roomStub(env, chatId);
		if (batch.queue === deadLetterQueue) {
			await room.webhookDeadLettered(n);
			message.ack();
			continue;
		}
		const claim = await room.webhookClaim(n);
		if (claim.kind !== "deliver") {
			message.ack();
			continue;
		}
		const error = await deliver(claim.url, claim.secret, claim.id, claim.body, timeoutMs);
		if (error === null) {
			await room.webhookDelivered(n);
			message.ack();
		} else {
			await room.webhookAttemptFailed(error);
			message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
		}
	}
}

/** POSTs one signed event; null on a 2xx answer, else what went wrong (for `lastError`). */
async function deliver(url: string, secret: string, id: string, body: string, timeoutMs: number) {
	try {
		const response = await fetch(url, {
			method: "POST",
			headers: await webhookHeaders(secret, id, body),
			body,
			redirect: "manual",
			signal: AbortSignal.timeout(timeoutMs),
		});
		// The receiver's answer is never passed on: only its status, to the chat's owner.
		await response.body?.cancel();
		return response.ok ? null : `HTTP ${response.status}`;
	} catch (error) {
		if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
			return `timeout after ${timeoutMs} ms`;
		}
		return `connection failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200);
	}
}
