import { keyMatches } from "../auth/keys";
import type { ChatDirectory } from "../directory/chat-directory";
import type { ChatInfo, ChatSettings, SessionUser } from "../protocol";
import type { RoomInit } from "../sequencer/room-record";
import type { Admission, ModerationDesk } from "./moderation-desk";

/** What the token route asks the root: its one call per token. */
export interface TokenRequest {
	userId: string;
	name: string;
	/** The role of the previous token presented for a refresh; null for a new identity. */
	previousRole: SessionUser["role"] | null;
	key?: string;
	/** Set when a backend's API key asked: the role it names, with no key of the chat needed. */
	backendRole?: SessionUser["role"];
	address: string | null;
}

export type TokenAdmission = Admission | { kind: "not_found" } | { kind: "wrong_key" };

/**
 * Checks the key against the chat's current digests (so a rotated key stops working at once,
 * whatever any Worker cached), then the bans, and decides the role. A wrong key is refused as a
 * missing chat when the chat is private (it must stay invisible), as a wrong key otherwise.
 */
export async function admitTokenRequest(
	chat: RoomInit,
	request: TokenRequest,
	desk: ModerationDesk,
	now: number,
): Promise<TokenAdmission> {
	if (request.backendRole !== undefined) {
		// The backend acts as the chat's owner; the chat still refuses its banned users, and a
		// moderator's role still comes from the chat's own list.
		return desk.admit(
			{ id: request.userId, name: request.name, role: request.backendRole },
			null,
			false,
			now,
		);
	}
	let keyRole: "owner" | "member" | null = null;
	if (request.key !== undefined) {
		if (await keyMatches(request.key, chat.ownerKeyHash)) keyRole = "owner";
		else if (await keyMatches(request.key, chat.inviteKeyHash)) keyRole = "member";
		else return { kind: chat.visibility === "private" ? "not_found" : "wrong_key" };
	}
	// Whoever held a token for a private chat was let in with its key; a refresh need not ask again.
	if (chat.visibility === "private" && keyRole === null && request.previousRole === null) {
		return { kind: "not_found" };
	}
	const role = keyRole === "owner" || request.previousRole === "owner" ? "owner" : "member";
	return desk.admit(
		{ id: request.userId, name: request.name, role },
		request.address,
		request.previousRole === null,
		now,
	);
}

/** The settings every socket sees (`ready.chat`, the `chat` frame): slow mode and read-only only when on. */
export function settingsOf(chat: RoomInit): ChatSettings {
	const { id, name, visibility, history, slowModeSeconds, readOnly } = chat;
	return {
		id,
		name,
		visibility,
		history,
		...(slowModeSeconds !== undefined && { slowModeSeconds }),
		...(readOnly && { readOnly }),
	};
}

export function infoOf(chat: RoomInit): ChatInfo {
	return { ...settingsOf(chat), owner: chat.owner, createdAt: chat.createdAt };
}

/** A public chat is listed under its name; one made private leaves the list at once. */
export async function syncDirectory(
	directory: Pick<ChatDirectory, "register" | "unregister" | "rename">,
	before: RoomInit,
	after: RoomInit,
): Promise<void> {
	if (after.visibility === "private" && before.visibility === "public") await directory.unregister(after.id);
	const { id, name, owner, createdAt } = after;
	if (after.visibility === "public" && before.visibility === "private") {
		await directory.register({ id, name, owner, createdAt });
	}
	if (after.visibility === "public" && after.name !== before.name)
		await directory.rename(after.id, after.name);
}
