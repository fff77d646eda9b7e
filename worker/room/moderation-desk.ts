import { accessOf, type DoorLookups, type DoorState } from "../door/door-state";
import type {
	ErrorCode,
	ModerationFrame,
	ModeratorEntry,
	Refusal,
	Role,
	SanctionEntry,
	SessionUser,
	UserRef,
} from "../protocol";
import { refusals } from "../refusals";
import { type ModerationState, type SanctionKind, sanctionEntryOf } from "../sequencer/moderation";
import type { RoomInit } from "../sequencer/room-record";

export type ModerationRequest =
	| { action: "kick"; userId: string; reason?: string }
	| { action: "mute" | "ban"; userId: string; seconds?: number; reason?: string }
	| { action: "unmute" | "unban"; userId: string }
	| { action: "promote" | "demote"; userId: string };

export type ModerationOutcome = { ok: true; sanction?: SanctionEntry } | ({ ok: false } & Refusal);

const refuse = (status: Refusal["status"], code: ErrorCode, message: string): ModerationOutcome => ({
	ok: false,
	status,
	code,
	message,
});

/**
 * The root's moderation decisions: who may do what to whom, over the chat's own state. Whatever
 * is announced goes out through `publish`, which reaches every socket on every object (and there
 * closes the sockets of a kicked or banned user).
 */
export class ModerationDesk implements DoorLookups {
	/** When each member last posted, for slow mode (memory only: a restart forgives at most one wait). */
	private readonly lastPost = new Map<string, number>();

	constructor(
		private readonly state: ModerationState,
		private readonly publish: (frame: ModerationFrame) => void,
	) {}

	roleOf(user: SessionUser): Role {
		return this.state.roleOf(user);
	}

	moderators(): ModeratorEntry[] {
		return this.state.listModerators();
	}

	bans(now: number): SanctionEntry[] {
		return this.state.activeBans(now).map(sanctionEntryOf);
	}

	/** Users a shard let in: remembered as if the root had, for moderation to find them by id. */
	noteAll(noted: Array<{ user: SessionUser; address: string | null; at: number }>): void {
		for (const { user, address, at } of noted) this.state.noteUser(user, address, at);
	}

	/** Whether the chat has let this user in (moderation can only name users it knows). */
	knows(userId: string): boolean {
		return this.state.knownUser(userId) !== null;
	}

	userBan(userId: string, now: number): number | null | undefined {
		return this.state.active("ban", userId, now)?.until;
	}

	addressBan(address: string, now: number): number | null | undefined {
		return this.state.banOfAddress(address, now)?.until;
	}

	userMute(userId: string, now: number): number | null | undefined {
		return this.state.active("mute", userId, now)?.until;
	}

	isModerator(userId: string): boolean {
		return this.state.roleOfId(userId) === "moderator";
	}

	/** The door's whole state, for the shards' copies. */
	door(chat: RoomInit, version: number, now: number): DoorState {
		return {
			version,
			access: accessOf(chat),
			bans: this.state.activeBans(now).map(({ userId, until, address }) => ({ userId, until, address })),
			moderators: this.moderators().map((moderator) => moderator.userId),
		};
	}

	note(user: SessionUser, address: string | null, now: number): void {
		this.state.noteUser(user, address, now);
	}

	/** The chat is being erased: users noted and not yet written are dropped with it. */
	erase(): void {
		this.state.known.discard();
	}

	/** The chat's own rules for members: read-only, slow mode. Owners and moderators are exempt. */
	ruleRefusal(
		userId: string,
		chat: { readOnly?: true; slowModeSeconds?: number },
		now: number,
	): Refusal | null {
		if (this.state.roleOfId(userId) !== "member") return null;
		if (chat.readOnly) return refusals.readOnly();
		const interval = (chat.slowModeSeconds ?? 0) * 1000;
		const last = this.lastPost.get(userId);
		if (interval > 0 && last !== undefined && now - last < interval) {
			const retryAfterMs = interval - (now - last);
			return refusals.slowMode(chat.slowModeSeconds ?? 0, retryAfterMs);
		}
		return null;
	}

	posted(userId: string, now: number): void {
		this.lastPost.set(userId, now);
		if (this.lastPost.size > 10_000) {
			const oldest = this.lastPost.keys().next().value;
			if (oldest !== undefined) this.lastPost.delete(oldest);
		}
	}

	apply(actor: SessionUser, request: ModerationRequest, now: number): ModerationOutcome {
		const actorRole = this.state.roleOf(actor);
		if (request.action === "promote" || request.action === "demote") {
			if (actorRole !== "owner")
				return refuse(403, "forbidden", "Only the chat's owner may manage moderators");
			return this.setModerator(request.userId, request.action === "promote");
		}
		if (actorRole === "member") {
			return refuse(403, "forbidden", "Only the chat's owner and moderators may kick, mute or ban");
		}
		if (request.action === "unmute" || request.action === "unban") {
			const kind: SanctionKind = request.action === "unmute" ? "mute" : "ban";
			const lifted = this.state.active(kind, request.userId, now);
			if (!lifted)
				return refuse(404, "not_found", `${request.userId} is not ${kind === "mute" ? "muted" : "banned"}`);
			this.state.lift(kind, request.userId);
			const user = { id: lifted.userId, name: lifted.name };
			this.publish({
				type: "moderation",
				action: request.action === "unmute" ? "unmuted" : "unbanned",
				user,
				by: ref(actor),
			});
			return { ok: true };
		}
		const target = this.state.knownUser(request.userId);
		if (!target) return refuse(404, "not_found", `No user ${request.userId} in this chat`);
		const targetRole = this.state.roleOfId(request.userId);
		if (targetRole === "owner")
			return refuse(403, "forbidden", "The chat's owner cannot be kicked, muted or banned");
		if (targetRole === "moderator" && actorRole !== "owner") {
			return refuse(403, "forbidden", "Moderators cannot kick, mute or ban other moderators");
		}
		const reasonText = "reason" in request ? request.reason : undefined;
		const reason = reasonText ? { reason: reasonText } : {};
		if (request.action === "kick") {
			this.publish({ type: "moderation", action: "kicked", user: target.user, by: ref(actor), ...reason });
			return { ok: true };
		}
		const seconds = "seconds" in request ? request.seconds : undefined;
		const until = seconds === undefined ? null : now + seconds * 1000;
		const sanction = {
			kind: request.action,
			userId: target.user.id,
			name: target.user.name,
			until,
			reason: reasonText ?? null,
			by: ref(actor),
			address: request.action === "ban" ? target.address : null,
		};
		this.state.impose(sanction);
		// A banned moderator is a moderator no more: lifting the ban does not restore the role.
		if (request.action === "ban" && targetRole === "moderator") this.state.setModerator(target.user, false);
		this.publish({
			type: "moderation",
			action: request.action === "mute" ? "muted" : "banned",
			user: target.user,
			by: ref(actor),
			...(until !== null && { until }),
			...reason,
		});
		return { ok: true, sanction: sanctionEntryOf(sanction) };
	}

	private setModerator(userId: string, on: boolean): ModerationOutcome {
		const target = this.state.knownUser(userId);
		if (!target) return refuse(404, "not_found", `No user ${userId} in this chat`);
		if (this.state.roleOfId(userId) === "owner") {
			return refuse(400, "bad_request", `${target.user.name} owns this chat; owners need no moderator role`);
		}
		this.state.setModerator(target.user, on);
		return { ok: true };
	}
}

function ref(user: UserRef): UserRef {
	return { id: user.id, name: user.name };
}
