import type { Settings } from "../config";
import { directoryStub } from "../directory/chat-directory";
import type { RoomEvents } from "../observability/room-events";
import type { Sequencer } from "../sequencer/sequencer";
import type { RoomWebhooks } from "../webhooks/room-webhooks";
import type { ChatFiles } from "./chat-files";
import type { RootSockets } from "./root-sockets";

const trimBatch = 5000;

/** The root's parts its alarm serves. */
export interface AlarmParts {
	env: Env;
	storage: DurableObjectStorage;
	settings: Settings;
	sequencer: Sequencer;
	webhooks: RoomWebhooks;
	events: RoomEvents;
	sockets: RootSockets;
	files: ChatFiles;
}

/**
 * The root's one alarm: it hands webhook events to the queue, trims the log past its retention,
 * deletes the files that are due (ChatFiles), and reports a public chat's connections to the directory.
 */
export class RoomAlarm {
	private alarmAt: number | null = null;

	constructor(private readonly parts: AlarmParts) {}

	/** The alarm stored before this instance started (after an eviction), so that a later request keeps it. */
	restore(storedAt: number | null): void {
		this.alarmAt = storedAt;
	}

	/** One alarm serves retention and directory reports; an earlier request wins, later ones wait for it. */
	schedule(delayMs: number): void {
		const at = Date.now() + delayMs;
		if (this.alarmAt !== null && this.alarmAt <= at) return;
		this.alarmAt = at;
		this.parts.storage.setAlarm(at).catch((error: unknown) => console.error("setAlarm failed", error));
	}

	/** A public chat's count reaches the directory a little later, once for every change meanwhile. */
	reportSoon(): void {
		if (this.parts.sequencer.info?.visibility === "public")
			this.schedule(this.parts.settings.directoryReportMs);
	}

	/** The alarm went off. */
	async ring(): Promise<void> {
		const { env, settings, sequencer, webhooks, events } = this.parts;
		this.alarmAt = null;
		const chat = sequencer.info;
		if (!chat) return;
		await webhooks.hand(chat.id);
		const due = sequencer.needsTrim();
		// The log, its reactions and its search index are trimmed together, or not at all.
		if (this.parts.storage.transactionSync(() => sequencer.trim(trimBatch))) this.schedule(0);
		if (due) events.trimmed(sequencer.newestSeq - settings.messageRetention);
		await this.parts.files.sweep(Date.now());
		if (chat.visibility === "public") {
			const { id, name, owner, createdAt } = chat;
			await directoryStub(env).report(id, this.parts.sockets.connections(), { id, name, owner, createdAt });
		}
	}
}
