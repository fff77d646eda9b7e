import type { AdmissionRequest } from "../door/admission";
import type { RoomEvents } from "../observability/room-events";
import { errorBodyOfRefusal, isRole, type Refusal, type SessionUser } from "../protocol";
import { joinHeader, userHeader } from "../routing/shard-address";

/** The user the Worker verified the token of; objects are reachable only through the Worker. */
export function readVerifiedUser(request: Request): SessionUser | null {
	const { id, name, role } = internalJson(request.headers.get(userHeader)) ?? {};
	if (typeof id !== "string" || typeof name !== "string" || typeof role !== "string" || !isRole(role))
		return null;
	return { id, name, role };
}

/** Who asks to be let in: a user whose token the Worker verified, or a join by name (and key). */
export type Joiner = { kind: "verified"; user: SessionUser } | { kind: "join"; request: AdmissionRequest };

export function readJoiner(request: Request): Joiner | null {
	const user = readVerifiedUser(request);
	if (user) return { kind: "verified", user };
	const join = readJoinRequest(request.headers.get(joinHeader));
	return join ? { kind: "join", request: join } : null;
}

/** A join's request as the Worker wrote it: {userId, name, key?, address}. */
function readJoinRequest(value: string | null): AdmissionRequest | null {
	const { userId, name, key, address } = internalJson(value) ?? {};
	if (typeof userId !== "string" || typeof name !== "string") return null;
	if (key !== undefined && typeof key !== "string") return null;
	if (address !== null && typeof address !== "string") return null;
	return { userId, name, previousRole: null, address, ...(key !== undefined && { key }) };
}

/**
 * The object in one of the Worker's own headers (it strips any a client sends), or null. Its
 * fields are checked by hand, not by a schema: every join reads one, and the runtime forbids the
 * code generation that makes schema checks fast elsewhere.
 */
function internalJson(value: string | null): Record<string, unknown> | null {
	if (value === null) return null;
	try {
		const parsed: unknown = JSON.parse(value);
		return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : null;
	} catch {
		return null;
	}
}

/** `?since=SEQ`: the last seq the client saw, when it asks for what it missed. */
export function replayWanted(request: Request): number | null {
	const since = new URL(request.url).searchParams.get("since");
	if (since === null || !/^\d{1,15}$/.test(since)) return null;
	return Number(since);
}

/** `?rev=REV` beside `since`: the client also wants each message changed after REV. */
export function revWanted(request: Request): number | null {
	const rev = new URL(request.url).searchParams.get("rev");
	if (rev === null || !/^\d{1,15}$/.test(rev)) return null;
	return Number(rev);
}

/** An upgrade an object will not take: the refusal's body and status, and the refusal counted. */
export function refuseUpgrade(events: RoomEvents, refused: Refusal): Response {
	events.refused(refused.code, refused.status);
	return Response.json(errorBodyOfRefusal(refused), { status: refused.status });
}
