import type { CreatedChat, IssuedToken } from "../../worker/protocol";
import { diagnostics, joinToken, TestSocket, until } from "../worker/helpers";

/**
 * Users named `names`, each with one socket, on as many objects: in the spread suite
 * (ROOM_SHARD_CAPACITY=1, vitest.spread.config.ts) the first socket fills the root and every
 * further one goes to a shard of its own. Resolves once the chat counts them all.
 */
export async function onObjectsOfTheirOwn(
	chat: CreatedChat,
	names: string[],
): Promise<{ users: IssuedToken[]; sockets: TestSocket[] }> {
	const users = await Promise.all(names.map((name) => joinToken(chat, name)));
	const sockets: TestSocket[] = [];
	for (const user of users) sockets.push(await TestSocket.open(chat.id, user.token));
	await until(async () => (await diagnostics(chat)).shards >= names.length, `${names.length} objects`);
	return { users, sockets };
}
