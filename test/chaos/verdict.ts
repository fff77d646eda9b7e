import type { ChatMessage } from "../../worker/protocol/index.ts";
import type { ChaosMember } from "./member";

/**
 * What must hold after any amount of chaos, as a list of what did not (empty: all held):
 * the stored log is one gapless order; every acknowledged message is in it, with its seq and
 * text; no clientId of a user is stored twice; every member was handed every message exactly
 * once, in order, and was never acknowledged one clientId as two messages.
 */
export function chaosProblems(history: ChatMessage[], members: ChaosMember[]): string[] {
	const problems: string[] = [];
	history.forEach((message, index) => {
		if (message.seq !== index + 1) problems.push(`stored log: seq ${message.seq} at position ${index + 1}`);
	});

	const stored = new Map<string, ChatMessage>();
	for (const message of history) {
		if (message.clientId === undefined) continue;
		const key = `${message.user.id} ${message.clientId}`;
		const earlier = stored.get(key);
		if (earlier) problems.push(`stored twice: ${message.clientId} as ${earlier.seq} and ${message.seq}`);
		else stored.set(key, message);
	}

	const lastSeq = history.at(-1)?.seq ?? 0;
	for (const member of members) {
		for (const ack of member.acked.values()) {
			const message = stored.get(`${member.userId} ${ack.clientId}`);
			if (!message) problems.push(`acknowledged but not stored: ${ack.clientId} (seq ${ack.seq})`);
			else if (message.seq !== ack.seq || message.text !== ack.text) {
				problems.push(
					`${ack.clientId} acknowledged as ${ack.seq} "${ack.text}", stored as ${message.seq} "${message.text}"`,
				);
			}
		}
		problems.push(...member.conflicts, ...member.disorder);
		if (member.duplicates.length > 0)
			problems.push(`${member.name} was handed seqs ${member.duplicates.join(", ")} twice`);
		const missing: number[] = [];
		for (let seq = 1; seq <= lastSeq; seq++) if (!member.delivered.has(seq)) missing.push(seq);
		if (missing.length > 0)
			problems.push(
				`${member.name} never got seqs ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ` and ${missing.length - 10} more` : ""}`,
			);
	}
	return problems;
}

/** A seeded source of randomness, so that a failing run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		// mulberry32
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
