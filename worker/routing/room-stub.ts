import { chatIdPattern } from "../protocol";
import { chatNotFound } from "../refusals";
import { type RootStub, rootObject } from "./shard-address";

/** A chat id as given; malformed ids are simply unknown chats. */
export function knownChatId(id: string): string {
	if (!chatIdPattern.test(id)) throw chatNotFound();
	return id;
}

/** The room of a chat id; malformed ids are simply unknown chats. */
export function roomStub(env: Env, id: string): RootStub {
	return rootObject(env, knownChatId(id));
}
