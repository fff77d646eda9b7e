import type { Role, SessionUser, Visibility } from "../protocol";
import { addressBannedMessage, bannedMessage } from "../sockets/closing";
import { keyMatches } from "../auth/keys";

/** What the token route asks the chat: one call per token, to whichever object answers for it. */
export interface AdmissionRequest {
	userId: string;
	name: string;
	/** The role of the previous token presented for a refresh; null for a new identity. */
	previousRole: SessionUser["role"] | null;
	key?: string;
	/** Set when a backend's API key asked: the role it names, with no key of the chat needed. */
	backendRole?: SessionUser["role"];
	/** Keyed digest of the caller's network address (never the address), or null for a backend. */
	address: string | null;
}

/** Whether this user may have a token, and its role. */
export type Admission = { kind: "admitted"; role: Role } | { kind: "banned"; message: string };

export type TokenAdmission = Admission | { kind: "not_found" } | { kind: "wrong_key" };

/** What guards a chat's door: its visibility and key digests. */
export interface ChatAccess {
	visibility: Visibility;
	ownerKeyHash: string;
	inviteKeyHash: string | null;
}

/**
 * The chat's rules for a user at the door: bans (by user, and by address for new identities),
 * the role its moderator list gives, and noting who was let in. The root keeps them in its
 * storage; a shard keeps a copy fed by the fan-out. Both decide with `admitAt`.
 */
export interface DoorRules {
	admit(user: SessionUser, address: string | null, fresh: boolean, now: number): Admission;
}

/** What a door looks up and records, wherever its state is held. */
export interface DoorState {
	/** When the ban in force on this user ends (null: until lifted); undefined when there is none. */
	userBan(userId: string, now: number): number | null | undefined;
	/** The same for a ban of anyone last seen at this network-address digest. */
	addressBan(address: string, now: number): number | null | undefined;
	roleOf(user: SessionUser): Role;
	/** Remembers who was let in, with their address digest: a later ban of them needs it. */
	note(user: SessionUser, address: string | null, now: number): void;
}

/**
 * A token for `user` (a refresh when `fresh` is false): a banned user is refused, and so is a
 * new identity from the address of someone banned (never the owner); otherwise the user is noted
 * and gets the role the chat's list gives.
 */
export function admitAt(
	door: DoorState,
	user: SessionUser,
	address: string | null,
	fresh: boolean,
	now: number,
): Admission {
	const until = door.userBan(user.id, now);
	if (until !== undefined) return { kind: "banned", message: bannedMessage(until) };
	if (fresh && address !== null && user.role !== "owner") {
		const addressUntil = door.addressBan(address, now);
		if (addressUntil !== undefined) return { kind: "banned", message: addressBannedMessage(addressUntil) };
	}
	door.note(user, address, now);
	return { kind: "admitted", role: door.roleOf(user) };
}

/**
 * Checks the key against the chat's current digests (so a rotated key stops working at once,
 * whatever any Worker cached), then the bans, and decides the role. A wrong key is refused as a
 * missing chat when the chat is private (it must stay invisible), as a wrong key otherwise.
 */
export async function admitTokenRequest(
	access: ChatAccess,
	request: AdmissionRequest,
	rules: DoorRules,
	now: number,
): Promise<TokenAdmission> {
	if (request.backendRole !== undefined) {
		// The backend acts as the chat's owner; the chat still refuses its banned users, and a
		// moderator's role still comes from the chat's own list.
		return rules.admit(
			{ id: request.userId, name: request.name, role: request.backendRole },
			null,
			false,
			now,
		);
	}
	let keyRole: "owner" | "member" | null = null;
	if (request.key !== undefined) {
		if (await keyMatches(request.key, access.ownerKeyHash)) keyRole = "owner";
		else if (await keyMatches(request.key, access.inviteKeyHash)) keyRole = "member";
		else return { kind: access.visibility === "private" ? "not_found" : "wrong_key" };
	}
	// Whoever held a token for a private chat was let in with its key; a refresh need not ask again.
	if (access.visibility === "private" && keyRole === null && request.previousRole === null) {
		return { kind: "not_found" };
	}
	const role = keyRole === "owner" || request.previousRole === "owner" ? "owner" : "member";
	return rules.admit(
		{ id: request.userId, name: request.name, role },
		request.address,
		request.previousRole === null,
		now,
	);
}

/** The door's state as the root hands it to its shards. */
export function accessOf(chat: ChatAccess): ChatAccess {
	const { visibility, ownerKeyHash, inviteKeyHash } = chat;
	return { visibility, ownerKeyHash, inviteKeyHash };
}
