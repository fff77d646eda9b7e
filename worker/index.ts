import { app } from "./http/app";
import { answerUpgrade, chatOfUpgrade } from "./http/upgrade-entry";
import { consumeWebhooks } from "./webhooks/consumer";
import type { WebhookTask } from "./webhooks/outbox";

export { AddressLimits } from "./abuse/address-limits";
export { ChatDirectory } from "./directory/chat-directory";
export { ChatRoom } from "./room/chat-room";
export { ChatShard } from "./shard/chat-shard";

export default {
	fetch(request, env, ctx) {
		const chatId = chatOfUpgrade(request);
		return chatId === null ? app.fetch(request, env, ctx) : answerUpgrade(request, env, chatId);
	},
	// Webhook deliveries and their dead letters (wrangler.toml [[queues.consumers]]).
	queue: consumeWebhooks,
} satisfies ExportedHandler<Env, WebhookTask>;
