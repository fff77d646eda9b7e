import { app } from "./http/app";
import { consumeWebhooks } from "./webhooks/consumer";
import type { WebhookTask } from "./webhooks/outbox";

export { AddressLimits } from "./abuse/address-limits";
export { ChatDirectory } from "./directory/chat-directory";
export { ChatRoom } from "./room/chat-room";
export { ChatShard } from "./shard/chat-shard";

export default {
	fetch: app.fetch,
	// Webhook deliveries and their dead letters (wrangler.toml [[queues.consumers]]).
	queue: consumeWebhooks,
} satisfies ExportedHandler<Env, WebhookTask>;
