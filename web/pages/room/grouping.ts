/** Messages by one author closer together than this share one name and time. */
export const groupWindowMs = 5 * 60_000;

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/** The calendar day of `ts` in the reader's time zone, as a comparable key. */
export function dayKey(ts: number): string {
	const date = new Date(ts);
	return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

/** "Today", "Yesterday", or the date, for the divider above a day's first message. */
export function dayLabel(ts: number, now: number = Date.now()): string {
	if (dayKey(ts) === dayKey(now)) return "Today";
	const yesterday = new Date(now);
	yesterday.setDate(yesterday.getDate() - 1);
	if (dayKey(ts) === dayKey(yesterday.getTime())) return "Yesterday";
	return dateFormat.format(new Date(ts));
}

export interface GroupingFacts {
	userId: string;
	ts: number;
}

/** Whether `current` continues the group `previous` started (same author, same day, close in time). */
export function continuesGroup(previous: GroupingFacts | null, current: GroupingFacts): boolean {
	if (!previous || previous.userId !== current.userId) return false;
	const gap = current.ts - previous.ts;
	return gap >= 0 && gap < groupWindowMs && dayKey(previous.ts) === dayKey(current.ts);
}
