import { type ErrorFrame, errorFrameOf, type ModerationFrame } from "../protocol";
import { bannedText } from "../refusals";
import { closeWith, type SocketHub } from "./socket-hub";

/** Close codes of the moderation contract (4000-4999 is the range RFC 6455 leaves to applications). */
export const closeCodes = { kicked: 4001, banned: 4003, chatDeleted: 4004 } as const;

export interface Disconnection {
	userId: string;
	code: number;
	/** The error frame the user's sockets get just before they close, so they can say why. */
	error: ErrorFrame;
}

/**
 * What a `moderation` frame does to the sockets of the user it names, on whichever object holds
 * them: a kick or a ban closes them all (4001, 4003), after the frame itself; the rest only tell.
 */
export function disconnectionFor(frame: ModerationFrame): Disconnection | null {
	const why = frame.reason ? `: ${frame.reason}` : "";
	switch (frame.action) {
		case "kicked":
			return {
				userId: frame.user.id,
				code: closeCodes.kicked,
				error: errorFrameOf("kicked", `${frame.by.name} removed you from this chat${why}; you may come back`),
			};
		case "banned":
			return {
				userId: frame.user.id,
				code: closeCodes.banned,
				error: errorFrameOf("banned", `${bannedText(frame.until ?? null)}${why}`),
			};
		default:
			return null;
	}
}

/**
 * The chat was deleted, on whichever object holds sockets: every socket here gets
 * `chat_deleted` and closes with 4004. Returns them, for the object to count out of its presence.
 */
export function closeForDeletedChat(hub: SocketHub): WebSocket[] {
	const farewell = JSON.stringify(errorFrameOf("chat_deleted", "This chat was deleted by its owner"));
	const sockets = [...hub.sockets().keys()];
	for (const socket of sockets) closeWith(socket, farewell, closeCodes.chatDeleted, "chat_deleted");
	return sockets;
}

/**
 * A kick or ban, on whichever object holds sockets: the user's sockets here get the error frame
 * and close with its code. Returns them, for the object to count out of its presence.
 */
export function closeSocketsFor(hub: SocketHub, frame: ModerationFrame): WebSocket[] {
	const disconnection = disconnectionFor(frame);
	if (!disconnection) return [];
	const data = JSON.stringify(disconnection.error);
	const sockets = hub.socketsOf(disconnection.userId);
	for (const socket of sockets) closeWith(socket, data, disconnection.code, disconnection.error.code);
	return sockets;
}
