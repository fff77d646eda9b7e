import { z } from "zod";
import { userId } from "./fields";
import { userRef } from "./models";

/** Moderation: who moderates, and the kicks, mutes and bans they hand out (issue 12). */

/** A reason shown to the person concerned and to everyone in the `moderation` frame. */
const reason = z
	.string()
	.trim()
	.max(200, { message: "reason must be at most 200 characters" })
	.optional()
	.describe("Shown to the person concerned and in the `moderation` frame; at most 200 characters");

/** Up to a year; without `seconds` a mute or ban lasts until it is lifted. */
const seconds = z
	.number()
	.int()
	.min(1)
	.max(365 * 24 * 3600)
	.optional()
	.describe("How long it lasts, 1 s to a year; without it, until it is lifted");

export const kickBody = z.object({ userId, reason });
export const sanctionBody = z.object({ userId, seconds, reason });

export const moderatorEntry = z.object({ userId: z.string(), name: z.string() });
export const moderatorList = z.object({ moderators: z.array(moderatorEntry) });

export const sanctionEntry = z.object({
	userId: z.string(),
	name: z.string(),
	/** Epoch ms when it ends by itself; null: until lifted. */
	until: z.number().int().nullable(),
	reason: z.string().nullable(),
	by: userRef,
});
export const banList = z.object({ bans: z.array(sanctionEntry) });
export const issuedMute = z.object({ mute: sanctionEntry });
export const issuedBan = z.object({ ban: sanctionEntry });

export type KickRequest = z.input<typeof kickBody>;
export type SanctionRequest = z.input<typeof sanctionBody>;
export type ModeratorEntry = z.infer<typeof moderatorEntry>;
export type ModeratorList = z.infer<typeof moderatorList>;
export type SanctionEntry = z.infer<typeof sanctionEntry>;
export type BanList = z.infer<typeof banList>;
