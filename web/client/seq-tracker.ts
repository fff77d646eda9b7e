/** Seqs remembered for de-duplication; older ones can only come back through explicit paging. */
const rememberedMax = 10_000;

/**
 * Which messages (by seq) have already been delivered to the application. A message can reach the
 * client twice: the idempotent answer to a re-sent clientId repeats the original message, and
 * after a reconnect the replay may overlap what a history page already brought.
 */
export class SeqTracker {
	#seen = new Set<number>();
	#highest = 0;

	/** True the first time `seq` is offered, false for every repeat. */
	accept(seq: number): boolean {
		if (this.#seen.has(seq)) return false;
		this.#seen.add(seq);
		if (seq > this.#highest) this.#highest = seq;
		if (this.#seen.size > rememberedMax) this.#forgetOldest();
		return true;
	}

	has(seq: number): boolean {
		return this.#seen.has(seq);
	}

	/** The newest seq delivered: the `since` to resume from. */
	get highest(): number {
		return this.#highest;
	}

	#forgetOldest(): void {
		const floor = this.#highest - rememberedMax / 2;
		for (const seq of this.#seen) if (seq < floor) this.#seen.delete(seq);
	}
}
