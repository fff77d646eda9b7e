import { z } from "zod";

/**
 * The regions a chat's objects can be placed in: Cloudflare's Durable Object location hints
 * (western and eastern North America, South America, western and eastern Europe, Asia-Pacific,
 * Oceania, Africa, the Middle East). A hint places an object on its first use only.
 */
export const locationHints = ["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"] as const;

export const locationHint = z
	.enum(locationHints)
	.describe(`Where the chat's root is created: one of ${locationHints.join(", ")}`);

export type LocationHint = (typeof locationHints)[number];

export function isLocationHint(value: unknown): value is LocationHint {
	return locationHint.safeParse(value).success;
}
