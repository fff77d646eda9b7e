import { chatId } from "../protocol";
import { chatNotFound } from "../refusals";
import type { ChatRoom } from "../room/chat-room";

/** A chat id as given; malformed ids are simply unknown chats. */
export function knownChatId(id: string): string {
	if (!chatId.safeParse(id).success) throw chatNotFound();
	return id;
}

/** The room of a chat id; malformed ids are simply unknown chats. */
export function roomStub(env: Env, id: string): DurableObjectStub<ChatRoom> {
	return env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(knownChatId(id)));
}
