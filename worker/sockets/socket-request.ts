import { z } from "zod";
import type { AdmissionRequest } from "../door/admission";
import type { RoomEvents } from "../observability/room-events";
import { errorBodyOfRefusal, type Refusal, type SessionUser, sessionUser } from "../protocol";
import { joinHeader, userHeader } from "../routing/shard-address";

/** The user the Worker verified the token of; objects are reachable only through the Worker. */
export function readVerifiedUser(request: Request): SessionUser | null {
	const value = request.headers.get(userHeader);
	if (value === null) return null;
	try {
		const parsed = sessionUser.safeParse(JSON.parse(value));
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

/** Who asks to be let in: a user whose token the Worker verified, or a join by name (and key). */
export type Joiner = { kind: "verified"; user: SessionUser } | { kind: "join"; request: AdmissionRequest };

export function readJoiner(request: Request): Joiner | null {
	const user = readVerifiedUser(request);
	if (user) return { kind: "verified", user };
	const join = readJoinRequest(request.headers.get(joinHeader));
	return join ? { kind: "join", request: join } : null;
}

/** A join's request as the Worker wrote it. */
const joinRequest = z.object({
	userId: z.string(),
	name: z.string(),
	key: z.string().optional(),
	address: z.string().nullable(),
});

function readJoinRequest(value: string | null): AdmissionRequest | null {
	if (value === null) return null;
	try {
		const parsed = joinRequest.safeParse(JSON.parse(value));
		if (!parsed.success) return null;
		const { userId, name, key, address } = parsed.data;
		return { userId, name, previousRole: null, address, ...(key !== undefined && { key }) };
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
