import { chatId } from "../protocol";
import type { ChatRoom } from "../room/chat-room";
import { chatNotFound } from "./api-error";

/** The room of a chat id; malformed ids are simply unknown chats. */
export function roomStub(env: Env, id: string): DurableObjectStub<ChatRoom> {
	if (!chatId.safeParse(id).success) throw chatNotFound();
	return env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(id));
}
