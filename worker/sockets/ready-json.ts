import type { ReadyFrame, UserRef } from "../protocol";

/** A `ready` frame but its online list, which comes already serialised (see readyJson). */
export type ReadyFields = Omit<ReadyFrame, "online">;

/**
 * A `ready` frame as sent. Its online list (up to 100 names) is most of the frame, and serialising
 * it again for every join was most of what greeting a socket cost: `online` comes as onlineJson
 * made it, each listed user's JSON kept (userJson), and the root and a shard keep the whole list
 * while it stays the same (Presence.listJson, OnlineMirror.listJson). JSON objects are unordered,
 * so `online` coming last changes nothing for a reader.
 */
export function readyJson(ready: ReadyFields, online: string): string {
	const fields = JSON.stringify(ready);
	return `${fields.slice(0, -1)},"online":[${online}]}`;
}

/**
 * JSON of the user objects seen, by object: the root's presence and a shard's mirror of it keep
 * the same objects while their users stay online, and a shard lists the same newcomers in every
 * `ready` until it reports them. No one changes such an object (a rename brings a new one), so a
 * kept JSON stays true.
 */
const serialised = new WeakMap<UserRef, string>();

/** A user as online lists show them ({id, name}, nothing more), serialised. */
export function userJson(user: UserRef): string {
	let json = serialised.get(user);
	if (json === undefined) {
		json = JSON.stringify({ id: user.id, name: user.name });
		serialised.set(user, json);
	}
	return json;
}

/** An online list's items as JSON, joined by commas: what readyJson takes as `online`. */
export function onlineJson(users: readonly UserRef[]): string {
	return users.map(userJson).join(",");
}
