import type { UserRef } from "../../../worker/protocol/index.ts";
import { limits } from "../../../worker/protocol/limits.ts";

/** The longest `@` query the picker follows: a name is at most 32 characters. */
const queryMax = 32;

/** Text as the picker compares it: without accents and case, so "@jose" finds "José". */
export function foldForSearch(text: string): string {
	return text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase();
}

/** The `@` being typed before the caret: where it starts and what follows it (possibly nothing). */
export interface MentionQuery {
	/** Index of the `@` in the text. */
	start: number;
	query: string;
}

/**
 * The `@` word the caret is in, if any: an `@` at the start or after a space or an opening
 * bracket (so an address like ann@example.com is not one), followed by up to 32 characters on
 * the same line. A name may have spaces, so the query may too; the caller closes the picker when
 * nobody's name fits it any more.
 */
export function mentionQueryAt(text: string, caret: number): MentionQuery | null {
	const before = text.slice(0, caret);
	const start = before.lastIndexOf("@");
	if (start < 0) return null;
	const previous = start > 0 ? before[start - 1] : "";
	if (previous && !/[\s([{"'«]/u.test(previous)) return null;
	const query = before.slice(start + 1);
	if (query.length > queryMax || /[\n\r]/.test(query) || /^\s/.test(query)) return null;
	return { start, query };
}

/**
 * The people whose name fits `query`, best first: names that begin with it, then names with a
 * later word that does; `people` keeps its order within each.
 */
export function matchPeople(people: readonly UserRef[], query: string, max: number): UserRef[] {
	const wanted = foldForSearch(query);
	const starts: UserRef[] = [];
	const words: UserRef[] = [];
	for (const person of people) {
		const name = foldForSearch(person.name);
		if (name.startsWith(wanted)) starts.push(person);
		else if (name.split(/\s+/).some((word) => word.startsWith(wanted))) words.push(person);
	}
	return [...starts, ...words].slice(0, max);
}

/** `lists` merged in order, each person once (by id), without `me`. */
export function mentionCandidates(lists: readonly (readonly UserRef[])[], me: string | undefined): UserRef[] {
	const seen = new Set<string>(me === undefined ? [] : [me]);
	const people: UserRef[] = [];
	for (const list of lists) {
		for (const person of list) {
			if (seen.has(person.id)) continue;
			seen.add(person.id);
			people.push(person);
		}
	}
	return people;
}

/**
 * The ids a message mentions: of the people chosen in the picker, those whose `@Name` is still in
 * the text as a whole name (not the start of a longer word), each once, at most as many as a
 * message may carry.
 */
export function mentionedIds(text: string, chosen: readonly UserRef[]): string[] {
	const ids: string[] = [];
	for (const person of chosen) {
		if (ids.includes(person.id) || !containsMention(text, person.name)) continue;
		ids.push(person.id);
		if (ids.length === limits.mentionsMax) break;
	}
	return ids;
}

function containsMention(text: string, name: string): boolean {
	const written = `@${name}`;
	for (let at = text.indexOf(written); at >= 0; at = text.indexOf(written, at + 1)) {
		const next = text.slice(at + written.length, at + written.length + 2);
		if (!/^[\p{L}\p{N}_]/u.test(next)) return true;
	}
	return false;
}
