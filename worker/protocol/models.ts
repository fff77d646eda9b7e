import type { z } from "zod";
import type { role, visibility } from "./fields";

export type Visibility = z.infer<typeof visibility>;
export type Role = z.infer<typeof role>;

/** Someone in a chat. The id is stable for as long as the user keeps refreshing their token. */
export interface UserRef {
	id: string;
	name: string;
}

export interface SessionUser extends UserRef {
	role: Role;
}

export interface ChatMessage {
	/** Position in the chat's log: starts at 1, strictly increasing, never reused. */
	seq: number;
	id: string;
	user: UserRef;
	/** Empty once an owner has deleted the message. */
	text: string;
	/** Epoch milliseconds, server clock. */
	ts: number;
	clientId?: string;
	deleted?: true;
}

export interface ChatSettings {
	id: string;
	name: string;
	visibility: Visibility;
	/** false: messages are relayed live and never stored. */
	history: boolean;
}

export interface ChatInfo extends ChatSettings {
	owner: string | null;
	createdAt: number;
}
