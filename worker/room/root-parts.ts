import { issueSessionToken } from "../auth/tokens";
import { readSettings } from "../config";
import type { RoomEvents } from "../observability/room-events";
import { ModerationState } from "../sequencer/moderation";
import { Sequencer } from "../sequencer/sequencer";
import { RoomWebhooks } from "../webhooks/room-webhooks";
import { ChatAdmin } from "./chat-admin";
import { ChatFiles } from "./chat-files";
import { ChatWrites } from "./chat-writes";
import { ModerationDesk } from "./moderation-desk";
import { RoomAlarm } from "./room-alarm";
import { RootSockets } from "./root-sockets";
import { RootUpgrade } from "./root-upgrade";
import { ShardRegistry } from "./shard-registry";
import { ShardSync } from "./shard-sync";

/**
 * The root's parts, built over one storage and wired to each other: the sequencer and the state
 * beside it, the sockets (shard zero's) with the fan-out, and the modules that act on them.
 * ChatRoom is a shell of RPC methods and platform handlers over these.
 */
export function assembleRoot(ctx: DurableObjectState, env: Env, events: RoomEvents) {
	const settings = readSettings(env);
	const { sql } = ctx.storage;
	const sequencer = new Sequencer(sql, settings);
	const shards = new ShardRegistry(sql);
	const moderation = new ModerationState(sql);
	// The alarm is built from the parts below; what is wired to it before then calls it later.
	let roomAlarm: RoomAlarm | null = null;
	const webhooks = new RoomWebhooks(sql, env.WEBHOOK_QUEUE, settings.webhookLeaseMs, (delayMs) =>
		roomAlarm?.schedule(delayMs),
	);
	const base = { ctx, env, storage: ctx.storage, settings, sequencer, shards, webhooks, events };
	const sockets = new RootSockets({ ...base, reportSoon: () => roomAlarm?.reportSoon() });
	const desk = new ModerationDesk(moderation, (frame) => sockets.publish({ kind: "moderation", frame }));
	const transaction = <T>(write: () => T): T => ctx.storage.transactionSync(write);
	const files = new ChatFiles({
		env,
		sequencer,
		desk,
		transaction,
		schedule: (delayMs) => roomAlarm?.schedule(delayMs),
	});
	const parts = { ...base, desk, sockets, files };
	roomAlarm = new RoomAlarm(parts);
	const alarm = roomAlarm;
	const shardSync = new ShardSync(parts);
	const writes = new ChatWrites({
		...parts,
		transaction,
		publish: (event, seqBefore) => sockets.publish(event, seqBefore),
		trimSoon: () => alarm.schedule(0),
		collectNotedUsers: () => shardSync.collectNotedUsers(),
	});
	const admin = new ChatAdmin({ ...parts, shardSync });
	const upgrade = new RootUpgrade({
		...parts,
		capacity: settings.roomShardCapacity,
		issue: (chatId, user) => {
			events.tokenAdmitted();
			return issueSessionToken(env.TOKEN_SECRET, chatId, user, settings);
		},
	});
	return { sequencer, shards, webhooks, moderation, desk, sockets, roomAlarm, writes, admin, upgrade, files };
}
