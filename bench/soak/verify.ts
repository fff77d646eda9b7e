import { waitUntil } from "../lib/time.ts";
import type { SoakApi, SoakChat } from "./chats.ts";
import { checkHistory, type HistoryCheck, type MemberLedger } from "./ledger.ts";

/** The end-of-run check of one chat: every member's deliveries against the stored history. */
export interface ChatVerdict {
	chat: string;
	members: number;
	departed: number;
	stored: number;
	/** Deliveries owed (history seqs in each member's window) and made. */
	owed: number;
	delivered: number;
	lost: number;
	duplicated: number;
	outOfOrder: number;
	/** Received seqs the history does not hold. */
	unknown: number;
	retryAnswers: number;
	retryMismatches: number;
	history: HistoryCheck;
	lossExamples: string[];
}

/**
 * Once the mix has stopped: waits until every connected member has received the newest stored
 * message (at most `settleMs`), then checks each chat's members against its whole history.
 */
export async function verifyChats(api: SoakApi, chats: SoakChat[], settleMs: number): Promise<ChatVerdict[]> {
	const newestAcked = (chat: SoakChat) =>
		Math.max(
			0,
			...[...chat.members, ...chat.departed].flatMap((member) =>
				[...(member.ledger?.sends.values() ?? [])].map((send) => send.seq ?? 0),
			),
		);
	const caughtUp = (chat: SoakChat, seq: number) =>
		chat.members.every((member) => !member.connected || (member.ledger?.lastSeq ?? 0) >= seq);
	await waitUntil(() => chats.every((chat) => caughtUp(chat, newestAcked(chat))), settleMs, 100);

	const verdicts: ChatVerdict[] = [];
	for (const chat of chats) {
		const history = await api.wholeHistory(chat.id);
		const newest = history.at(-1)?.seq ?? 0;
		// A send stored just before the stop may still be on its way to some sockets.
		await waitUntil(() => caughtUp(chat, newest), settleMs, 100);
		const seqs = history.map((message) => message.seq);
		const stored = new Set(seqs);
		const verdict: ChatVerdict = {
			chat: chat.name,
			members: chat.members.length,
			departed: chat.departed.length,
			stored: history.length,
			owed: 0,
			delivered: 0,
			lost: 0,
			duplicated: 0,
			outOfOrder: 0,
			unknown: 0,
			retryAnswers: 0,
			retryMismatches: 0,
			history: checkHistory(ledgers([...chat.members, ...chat.departed]), history),
			lossExamples: [],
		};
		const tally = (ledger: MemberLedger, until: number | null) => {
			const missing = ledger.missing(seqs, until);
			verdict.lost += missing.length;
			verdict.delivered += ledger.deliveries;
			verdict.owed += ledger.deliveries - ledger.unknown(stored) + missing.length;
			verdict.duplicated += ledger.duplicates;
			verdict.outOfOrder += ledger.outOfOrder;
			verdict.unknown += ledger.unknown(stored);
			verdict.retryAnswers += ledger.retryAnswers;
			verdict.retryMismatches += ledger.retryMismatches;
			if (missing.length > 0 && verdict.lossExamples.length < 5)
				verdict.lossExamples.push(`${ledger.userId} missed ${missing.length} (first seq ${missing[0]})`);
		};
		// Members still connected are owed everything stored; those who left, up to their last message.
		for (const member of chat.members)
			if (member.ledger) tally(member.ledger, member.connected ? newest : null);
		for (const member of chat.departed) if (member.ledger) tally(member.ledger, null);
		verdicts.push(verdict);
	}
	return verdicts;
}

function ledgers(members: { ledger: MemberLedger | null }[]): MemberLedger[] {
	return members.flatMap((member) => (member.ledger ? [member.ledger] : []));
}
