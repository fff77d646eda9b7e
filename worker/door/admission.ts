import { keyMatches } from "../auth/keys";
import type { Refusal, Refused, Role, SessionUser } from "../protocol";
import { refusals } from "../refusals";
import type { ChatAccess, DoorLookups } from "./door-state";

/**
 * The chat's one door. Every decision about who gets in or may write is taken here, at the root
 * and at every shard alike, over whichever state the object holds (DoorLookups): a token, a
 * socket, a write. A ban is enforced in this file and nowhere else.
 */

/** What the token route (or a join that carries its name and key) asks the chat. */
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

export type TokenAdmission = { kind: "admitted"; role: Role } | Refused;

/** The role the chat's own list gives: an owner by token, a moderator by the list, else a member. */
export function roleAt(door: DoorLookups, user: SessionUser): Role {
	if (user.role === "owner") return "owner";
	return door.isModerator(user.id) ? "moderator" : "member";
}

/**
 * A token for `user` (a refresh when `fresh` is false): a banned user is refused, and so is a
 * new identity from the address of someone banned (never the owner); otherwise the user is noted
 * and gets the role the chat's list gives.
 */
export function admitUser(
	door: DoorLookups,
	user: SessionUser,
	address: string | null,
	fresh: boolean,
	now: number,
): TokenAdmission {
	const until = door.userBan(user.id, now);
	if (until !== undefined) return { kind: "refused", ...refusals.banned(until) };
	if (fresh && address !== null && user.role !== "owner") {
		const addressUntil = door.addressBan(address, now);
		if (addressUntil !== undefined) return { kind: "refused", ...refusals.addressBanned(addressUntil) };
	}
	door.note(user, address, now);
	return { kind: "admitted", role: roleAt(door, user) };
}

/**
 * Checks the key against the chat's current digests (so a rotated key stops working at once,
 * whatever any Worker cached), then the bans, and decides the role. A wrong key is refused as a
 * missing chat when the chat is private (it must stay invisible), as a wrong key otherwise.
 */
export async function admitTokenRequest(
	access: ChatAccess,
	request: AdmissionRequest,
	door: DoorLookups,
	now: number,
): Promise<TokenAdmission> {
	if (request.backendRole !== undefined) {
		// The backend acts as the chat's owner; the chat still refuses its banned users, and a
		// moderator's role still comes from the chat's own list.
		const user = { id: request.userId, name: request.name, role: request.backendRole };
		return admitUser(door, user, null, false, now);
	}
	let keyRole: "owner" | "member" | null = null;
	if (request.key !== undefined) {
		if (await keyMatches(request.key, access.ownerKeyHash)) keyRole = "owner";
		else if (await keyMatches(request.key, access.inviteKeyHash)) keyRole = "member";
		else {
			const wrong = access.visibility === "private" ? refusals.chatNotFound() : refusals.wrongKey();
			return { kind: "refused", ...wrong };
		}
	}
	// Whoever held a token for a private chat was let in with its key; a refresh need not ask again.
	if (access.visibility === "private" && keyRole === null && request.previousRole === null) {
		return { kind: "refused", ...refusals.chatNotFound() };
	}
	const role: Role = keyRole === "owner" || request.previousRole === "owner" ? "owner" : "member";
	const user = { id: request.userId, name: request.name, role };
	return admitUser(door, user, request.address, request.previousRole === null, now);
}

/** A socket of a verified user: refused while they are banned, else greeted with the role the list gives. */
export function admitSocket(
	door: DoorLookups,
	verified: SessionUser,
	now: number,
): { kind: "admitted"; user: SessionUser } | Refused {
	const until = door.userBan(verified.id, now);
	if (until !== undefined) return { kind: "refused", ...refusals.banned(until) };
	return { kind: "admitted", user: { ...verified, role: roleAt(door, verified) } };
}

export type SocketAdmission = { kind: "admitted"; user: SessionUser; joined: boolean } | Refused;

/**
 * An upgrade: a verified token's user is let in unless banned, with the role the chat's list
 * gives; a join that carries a name (and key) is decided exactly as its token request would be,
 * and `joined` says the object is to issue its token.
 */
export async function admitJoiner(
	joiner: { kind: "verified"; user: SessionUser } | { kind: "join"; request: AdmissionRequest },
	access: ChatAccess,
	door: DoorLookups,
	now: number,
): Promise<SocketAdmission> {
	if (joiner.kind === "verified") {
		const admitted = admitSocket(door, joiner.user, now);
		return admitted.kind === "refused" ? admitted : { ...admitted, joined: false };
	}
	const { request } = joiner;
	const admission = await admitTokenRequest(access, request, door, now);
	if (admission.kind === "refused") return admission;
	return {
		kind: "admitted",
		user: { id: request.userId, name: request.name, role: admission.role },
		joined: true,
	};
}

/** Why this user may not write (post, edit, react) now: a ban or a mute; null when they may. */
export function writeRefusal(
	door: DoorLookups & { userMute(userId: string, now: number): number | null | undefined },
	userId: string,
	now: number,
): Refusal | null {
	const ban = door.userBan(userId, now);
	if (ban !== undefined) return refusals.banned(ban);
	const mute = door.userMute(userId, now);
	if (mute !== undefined) return refusals.muted(mute);
	return null;
}
