import type { ChatDirectory } from "../directory/chat-directory";
import type { ChatInfo, ChatSettings } from "../protocol";
import type { RoomInit } from "../sequencer/room-record";

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
