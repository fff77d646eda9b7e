import type { ModeratorEntry, Role, SanctionEntry, SessionUser, UserRef } from "../protocol";
import { KnownUsers } from "./known-users";

export type SanctionKind = "mute" | "ban";

export interface Sanction extends SanctionEntry {
	kind: SanctionKind;
	/** Keyed digest of the network address the user last took a token from (bans only). */
	address: string | null;
}

type SanctionRow = {
	kind: string;
	user_id: string;
	name: string;
	until: number | null;
	reason: string | null;
	by_id: string;
	by_name: string;
	address: string | null;
};

/**
 * The chat's moderation state in the root's SQLite: who moderates (and who has owned it), who is
 * muted or banned until when, and each user's last name and network-address digest (a keyed
 * HMAC from the Worker, never the address), which a ban needs to refuse new identities from the
 * same address (KnownUsers). Moderators and sanctions are few, so they are also held in memory:
 * every send and every join consults them.
 */
export class ModerationState {
	private moderators = new Map<string, ModeratorEntry>();
	private owners = new Set<string>();
	private sanctions = new Map<string, Sanction>();
	readonly known: KnownUsers;

	constructor(private readonly sql: SqlStorage) {
		this.known = new KnownUsers(sql);
	}

	createSchema(): void {
		this.sql.exec(`CREATE TABLE IF NOT EXISTS chat_roles (
			user_id TEXT PRIMARY KEY,
			role TEXT NOT NULL,
			name TEXT NOT NULL
		)`);
		this.sql.exec(`CREATE TABLE IF NOT EXISTS sanctions (
			kind TEXT NOT NULL,
			user_id TEXT NOT NULL,
			name TEXT NOT NULL,
			until INTEGER,
			reason TEXT,
			by_id TEXT NOT NULL,
			by_name TEXT NOT NULL,
			address TEXT,
			PRIMARY KEY (kind, user_id)
		)`);
		this.known.createSchema();
	}

	load(): void {
		this.moderators.clear();
		this.owners.clear();
		this.sanctions.clear();
		for (const row of this.sql
			.exec<{ user_id: string; role: string; name: string }>("SELECT user_id, role, name FROM chat_roles")
			.toArray()) {
			if (row.role === "moderator") this.moderators.set(row.user_id, { userId: row.user_id, name: row.name });
			else this.owners.add(row.user_id);
		}
		for (const row of this.sql
			.exec<SanctionRow>("SELECT kind, user_id, name, until, reason, by_id, by_name, address FROM sanctions")
			.toArray()) {
			const sanction = toSanction(row);
			this.sanctions.set(key(sanction.kind, sanction.userId), sanction);
		}
	}

	/**
	 * The role that counts now: owner comes from the signed token (only the ownerKey mints it);
	 * moderator only from this chat's own list, so a demotion takes effect at once, and a
	 * promotion before the user's next token.
	 */
	roleOf(user: SessionUser): Role {
		return roleByList(user, this.moderators);
	}

	/** The role of someone known only by id (a moderation target). */
	roleOfId(userId: string): Role {
		if (this.owners.has(userId)) return "owner";
		return this.moderators.has(userId) ? "moderator" : "member";
	}

	listModerators(): ModeratorEntry[] {
		return [...this.moderators.values()];
	}

	setModerator(user: UserRef, on: boolean): void {
		if (on) {
			this.sql.exec(
				"INSERT OR REPLACE INTO chat_roles (user_id, role, name) VALUES (?, 'moderator', ?)",
				user.id,
				user.name,
			);
			this.moderators.set(user.id, { userId: user.id, name: user.name });
		} else {
			this.sql.exec("DELETE FROM chat_roles WHERE user_id = ? AND role = 'moderator'", user.id);
			this.moderators.delete(user.id);
		}
	}

	/** Remembers a user's name, address digest and, for owners, that moderators cannot touch them. */
	noteUser(user: SessionUser, address: string | null, now: number): void {
		this.known.note(user, address, now);
		if (user.role === "owner" && !this.owners.has(user.id)) {
			this.sql.exec(
				"INSERT OR REPLACE INTO chat_roles (user_id, role, name) VALUES (?, 'owner', ?)",
				user.id,
				user.name,
			);
			this.owners.add(user.id);
			this.moderators.delete(user.id);
		}
	}

	/** A user this chat has issued a token to, by id, with the address digest they last used. */
	knownUser(userId: string): { user: UserRef; address: string | null } | null {
		return this.known.find(userId);
	}

	/** The mute or ban in force on a user now, if any. Expired ones are forgotten on the way. */
	active(kind: SanctionKind, userId: string, now: number): Sanction | null {
		const sanction = this.sanctions.get(key(kind, userId));
		if (!sanction) return null;
		if (sanction.until !== null && sanction.until <= now) {
			this.lift(kind, userId);
			return null;
		}
		return sanction;
	}

	/** A ban in force on this address digest (any banned user's), if any. */
	banOfAddress(address: string, now: number): Sanction | null {
		for (const sanction of this.sanctions.values()) {
			if (sanction.kind !== "ban" || sanction.address !== address) continue;
			if (sanction.until === null || sanction.until > now) return sanction;
		}
		return null;
	}

	activeBans(now: number): Sanction[] {
		return [...this.sanctions.values()].filter(
			(sanction) => sanction.kind === "ban" && (sanction.until === null || sanction.until > now),
		);
	}

	impose(sanction: Sanction): void {
		this.sql.exec(
			`INSERT OR REPLACE INTO sanctions (kind, user_id, name, until, reason, by_id, by_name, address)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			sanction.kind,
			sanction.userId,
			sanction.name,
			sanction.until,
			sanction.reason,
			sanction.by.id,
			sanction.by.name,
			sanction.address,
		);
		this.sanctions.set(key(sanction.kind, sanction.userId), sanction);
	}

	/** False when there was nothing to lift. */
	lift(kind: SanctionKind, userId: string): boolean {
		this.sql.exec("DELETE FROM sanctions WHERE kind = ? AND user_id = ?", kind, userId);
		return this.sanctions.delete(key(kind, userId));
	}
}

/**
 * The role that counts for a user: owner from the signed token (only the ownerKey mints it),
 * moderator only from the chat's own list, wherever that list is held (the root, a shard's copy).
 */
export function roleByList(user: SessionUser, moderators: { has(userId: string): boolean }): Role {
	if (user.role === "owner") return "owner";
	return moderators.has(user.id) ? "moderator" : "member";
}

function key(kind: SanctionKind, userId: string): string {
	return `${kind}:${userId}`;
}

function toSanction(row: SanctionRow): Sanction {
	return {
		kind: row.kind === "ban" ? "ban" : "mute",
		userId: row.user_id,
		name: row.name,
		until: row.until,
		reason: row.reason,
		by: { id: row.by_id, name: row.by_name },
		address: row.address,
	};
}

/** A sanction as the API lists it: never the address digest. */
export function sanctionEntryOf(sanction: Sanction): SanctionEntry {
	const { userId, name, until, reason, by } = sanction;
	return { userId, name, until, reason, by };
}
