import { writeRefusal } from "../door/admission";
import { deleteChatFiles, deleteFiles } from "../files/file-store";
import type { SniffedImage } from "../files/image-sniff";
import { newFileId } from "../ids";
import { type FileInfo, limits, type Refused, type SessionUser } from "../protocol";
import { refusals } from "../refusals";
import type { Sequencer } from "../sequencer/sequencer";
import type { ModerationDesk } from "./moderation-desk";

/** An upload the chat agreed to: the file as messages will carry it, to be stored under its id. */
export type UploadAnswer = { kind: "reserved"; file: FileInfo } | Refused;

/** What the chat's files are kept with: their bytes' bucket, the root's parts, its one alarm. */
export interface FileParts {
	env: Env;
	sequencer: Sequencer;
	desk: ModerationDesk;
	/** Runs `write` as one transaction of the root's storage. */
	transaction: <T>(write: () => T) => T;
	/** Asks the room's one alarm to ring within `delayMs`. */
	schedule: (delayMs: number) => void;
}

/** R2 deletes at most this many keys a call: one sweep's worth. */
const sweepBatch = 1000;
/** A deletion R2 refused is tried again this much later. */
const retryMs = 60_000;

/**
 * The chat's files, seen from its root: who may upload (the door's rules and a per-user limit,
 * counted in the chat's own SQLite), and their deletion from R2 when their message goes, when
 * none took them within the hour, and with the chat. The bytes go to R2 from the Worker.
 */
export class ChatFiles {
	constructor(private readonly parts: FileParts) {}

	/** A user's upload: refused while banned or muted, in a read-only chat for members, and over the limit. */
	reserve(user: SessionUser, image: SniffedImage & { size: number }): UploadAnswer {
		const { sequencer, desk, transaction, schedule } = this.parts;
		const chat = sequencer.info;
		if (!chat) return { kind: "refused", ...refusals.chatNotFound() };
		const now = Date.now();
		const readOnly = chat.readOnly && desk.roleOf(user) === "member" ? refusals.readOnly() : null;
		const refusal = writeRefusal(desk, user.id, now) ?? readOnly;
		if (refusal) return { kind: "refused", ...refusal };
		const wait = sequencer.uploads.waitBeforeNext(user.id, now);
		if (wait > 0) return { kind: "refused", ...refusals.tooManyUploads(wait) };
		const file: FileInfo = { id: newFileId(), ...image };
		transaction(() => sequencer.uploads.add(file, user.id, now));
		// Unless a message takes it within the hour, the sweep deletes it then.
		schedule(limits.unattachedFileMs);
		return { kind: "reserved", file };
	}

	/** Deletes files that are due now (their message was deleted). A failure is left for the sweep. */
	async release(ids: string[]): Promise<void> {
		if (ids.length === 0) return;
		try {
			await this.remove(ids);
		} catch (error) {
			console.error("deleting files failed; the sweep tries again", error);
			this.parts.schedule(retryMs);
		}
	}

	/** The alarm rang: deletes what is due (a batch at a time) and asks to ring again for the next. */
	async sweep(now: number): Promise<void> {
		const { sequencer, schedule } = this.parts;
		if (!sequencer.info) return;
		const due = sequencer.uploads.due(now, sweepBatch);
		try {
			await this.remove(due);
		} catch (error) {
			console.error("sweeping files failed; trying again later", error);
			schedule(retryMs);
			return;
		}
		if (due.length === sweepBatch) {
			schedule(0);
			return;
		}
		const next = sequencer.uploads.nextDueAt();
		if (next !== null) schedule(Math.max(0, next - now));
	}

	/** The chat is being deleted: every file under its prefix goes, attached or not. */
	async eraseAll(chatId: string): Promise<void> {
		await deleteChatFiles(this.parts.env.FILES, chatId);
	}

	private async remove(ids: string[]): Promise<void> {
		const { env, sequencer, transaction } = this.parts;
		const chat = sequencer.info;
		if (!chat || ids.length === 0) return;
		// The bytes first: a row outlives its bytes only until the next sweep, never the reverse.
		await deleteFiles(env.FILES, chat.id, ids);
		transaction(() => sequencer.uploads.forget(ids));
	}
}
