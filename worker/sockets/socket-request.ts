import type { AdmissionRequest } from "../door/admission";
import type { RoomEvents } from "../observability/room-events";
import { errorBodyOfRefusal, isRole, type Refusal, type SessionUser, socketProtocol } from "../protocol";
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

/**
 * `?since=SEQ` (the last seq the client saw, when it asks for what it missed) and, beside it,
 * `?rev=REV` (it also wants each message changed after REV). Most joins carry no query at all,
 * and are not parsed.
 */
export function resumeWanted(request: Request): { since: number | null; rev: number | null } {
	const query = request.url.indexOf("?");
	if (query < 0) return { since: null, rev: null };
	const params = new URLSearchParams(request.url.slice(query + 1));
	const since = seqParam(params.get("since"));
	return { since, rev: since === null ? null : seqParam(params.get("rev")) };
}

function seqParam(value: string | null): number | null {
	return value !== null && /^\d{1,15}$/.test(value) ? Number(value) : null;
}

/** The chat an upgrade's path names (/api/chats/:id/ws), without parsing the whole URL. */
export function chatIdOfUpgrade(request: Request): string {
	return /\/chats\/([^/?#]+)/.exec(request.url)?.[1] ?? "";
}

/**
 * The subprotocol a 101 names: `edgechat.v1` when the client offered it. The Worker passes on that
 * offer alone (objectUpgradeHeaders); the client's other subprotocols never reach an object.
 */
export function answeredProtocol(request: Request): string | null {
	const offered = request.headers.get("Sec-WebSocket-Protocol");
	if (offered === null) return null;
	return offered.split(",").some((name) => name.trim() === socketProtocol) ? socketProtocol : null;
}

/** An upgrade an object will not take: the refusal's body and status, and the refusal counted. */
export function refuseUpgrade(events: RoomEvents, refused: Refusal): Response {
	events.refused(refused.code, refused.status);
	return Response.json(errorBodyOfRefusal(refused), { status: refused.status });
}
