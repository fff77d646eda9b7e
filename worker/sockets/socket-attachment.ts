import { isRole, type SessionUser } from "../protocol";
import type { Bucket } from "../sequencer/rate-limiter";

/**
 * Per-socket state. It lives in the socket's attachment, not in memory, because a hibernated room
 * wakes with empty memory and only the attachment is carried across (at most 2 KiB).
 */
export interface SocketAttachment {
	user: SessionUser;
	connectedAt: number;
	bucket?: Bucket;
}

const namespace = "edgechat";

export function writeAttachment(socket: WebSocket, attachment: SocketAttachment): void {
	socket.serializeAttachment({ [namespace]: attachment });
}

/** Narrows what the runtime hands back, step by step: an attachment is data from an older deploy too. */
export function readAttachment(socket: WebSocket): SocketAttachment | null {
	const stored: unknown = socket.deserializeAttachment();
	if (!isRecord(stored)) return null;
	const value = stored[namespace];
	if (!isRecord(value) || !isRecord(value.user)) return null;
	const { id, name, role } = value.user;
	if (typeof id !== "string" || typeof name !== "string" || !isRole(role)) return null;
	if (typeof value.connectedAt !== "number") return null;
	const attachment: SocketAttachment = { user: { id, name, role }, connectedAt: value.connectedAt };
	const bucket = value.bucket;
	if (isRecord(bucket) && typeof bucket.tokens === "number" && typeof bucket.updatedAt === "number") {
		attachment.bucket = { tokens: bucket.tokens, updatedAt: bucket.updatedAt };
	}
	return attachment;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null;
}
