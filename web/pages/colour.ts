/**
 * People's colours. A hash of the user id alone put people of one chat on nearly the same hue
 * (two browns side by side), so colours come from a ring of hues 40° apart, and each person seen
 * on this page gets the free hue farthest from the hues already given: the first few people in a
 * chat are always far apart. The user id picks among equally good hues, so a person usually has
 * the same colour in every tab; once given, a person's colour never changes on this page.
 *
 * The stylesheet turns a hue into a tone of equal lightness per scheme (OKLCH); every hue of the
 * ring reads at 4.5:1 or more on every surface of both schemes (test/e2e/people.test.ts).
 */
export const personHues = [25, 65, 105, 145, 185, 225, 265, 305, 345] as const;

const slotOfUser = new Map<string, number>();
/** How many people hold each slot of the ring. */
const holders: number[] = personHues.map(() => 0);

/** FNV-1a: similar ids land far apart. */
function hashOf(userId: string): number {
	let hash = 0x811c9dc5;
	for (let index = 0; index < userId.length; index++) {
		hash ^= userId.charCodeAt(index);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

/** Steps between two slots around the ring. */
function stepsApart(a: number, b: number): number {
	const steps = Math.abs(a - b);
	return Math.min(steps, personHues.length - steps);
}

/**
 * The slot whose nearest holder is farthest away, among the least held slots (once every hue is
 * given, colours repeat as evenly as they can); ties go to the slot nearest the user id's own.
 */
function chooseSlot(userId: string): number {
	const own = hashOf(userId) % personHues.length;
	const fewest = Math.min(...holders);
	const held = holders.flatMap((count, slot) => (count > fewest ? [slot] : []));
	let best = own;
	let bestScore = Number.NEGATIVE_INFINITY;
	for (const [slot, count] of holders.entries()) {
		if (count !== fewest) continue;
		const distance = Math.min(personHues.length, ...held.map((other) => stepsApart(slot, other)));
		// Farther from every other colour first; then nearer the user id's own slot.
		const score = distance * personHues.length - stepsApart(slot, own);
		if (score > bestScore) {
			best = slot;
			bestScore = score;
		}
	}
	return best;
}

/** The hue (0..359) of a person on this page. */
export function userHue(userId: string): number {
	let slot = slotOfUser.get(userId);
	if (slot === undefined) {
		slot = chooseSlot(userId);
		slotOfUser.set(userId, slot);
		holders[slot] = (holders[slot] ?? 0) + 1;
	}
	return personHues[slot] ?? personHues[0];
}

/** Sets the `--hue` custom property the stylesheet turns into a light- or dark-scheme colour. */
export function paintUser(element: HTMLElement, userId: string): void {
	element.style.setProperty("--hue", String(userHue(userId)));
}
