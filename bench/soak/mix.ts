import { seededRandom } from "../../test/chaos/verdict.ts";
import { sleep } from "../lib/time.ts";
import type { SoakApi, SoakChat } from "./chats.ts";
import type { SoakMember } from "./member.ts";

/** Actions per second of the whole mix: modest, a busy evening in a few chats, not a storm. */
export interface MixRates {
	sends: number;
	/** Share of sends sent again with the same clientId (half at once, racing; half a moment later). */
	retryShare: number;
	typing: number;
	/** Sockets dropped and resumed with `since` after a short pause. */
	reconnects: number;
	/** A member leaving for good and a new user joining the same chat in its place. */
	churn: number;
	historyReads: number;
}

export const defaultRates: MixRates = {
	sends: 4,
	retryShare: 0.1,
	typing: 2,
	reconnects: 0.5,
	churn: 0.25,
	historyReads: 0.5,
};

/**
 * The whole mix, and its two halves at a higher rate: messages alone (no socket opened or closed
 * after the start), and sockets alone (joins, leaves and reconnects, with a trickle of sends so
 * that deliveries are still checked). A memory growth that follows one half and not the other
 * says what it is made of.
 */
export const mixes = {
	all: defaultRates,
	messages: { sends: 8, retryShare: 0.1, typing: 2, reconnects: 0, churn: 0, historyReads: 0.5 },
	sockets: { sends: 0.2, retryShare: 0.1, typing: 0, reconnects: 2, churn: 1, historyReads: 0.5 },
} satisfies Record<string, MixRates>;

export type MixName = keyof typeof mixes;

export function isMixName(name: string): name is MixName {
	return Object.hasOwn(mixes, name);
}

export interface MixCounts {
	joins: number;
	leaves: number;
	reconnects: number;
	/** Members whose socket the server or network closed, reconnected by the mix. */
	recovered: number;
	joinFailures: Record<string, number>;
}

const tickMs = 100;
const joinTimeoutMs = 20_000;
/** Async actions (joins, reconnects, delayed retries) in flight at once, at most. */
const maxPending = 32;

/**
 * Runs the mix over `chats` until `durationMs` has passed. Each tick turns the rates into actions;
 * sockets are only closed on members whose sends are all answered, so that every copy a member
 * is owed arrives on a socket it still holds.
 */
export class Mix {
	readonly counts: MixCounts = { joins: 0, leaves: 0, reconnects: 0, recovered: 0, joinFailures: {} };
	private readonly busy = new Set<SoakMember>();
	private readonly pending = new Set<Promise<void>>();
	private readonly random: () => number;
	private joined = 0;

	private readonly api: SoakApi;
	private readonly chats: SoakChat[];
	private readonly rates: MixRates;

	constructor(api: SoakApi, chats: SoakChat[], rates: MixRates, seed: number) {
		this.api = api;
		this.chats = chats;
		this.rates = rates;
		this.random = seededRandom(seed);
	}

	get sockets(): number {
		return this.chats.reduce((sum, chat) => sum + chat.members.filter((m) => m.connected).length, 0);
	}

	/** Fills every chat to its size, a few joins at a time. */
	async fill(): Promise<void> {
		for (const chat of this.chats) {
			while (chat.members.length < chat.size) {
				const batch = Math.min(16, chat.size - chat.members.length);
				await Promise.all(Array.from({ length: batch }, () => this.join(chat)));
			}
		}
	}

	async run(durationMs: number, onTick?: () => void): Promise<void> {
		const end = performance.now() + durationMs;
		const owed = { sends: 0, typing: 0, reconnects: 0, churn: 0, historyReads: 0 };
		let last = performance.now();
		while (performance.now() < end) {
			await sleep(tickMs);
			const now = performance.now();
			const seconds = (now - last) / 1000;
			last = now;
			for (const key of Object.keys(owed) as (keyof typeof owed)[]) owed[key] += this.rates[key] * seconds;
			for (; owed.sends >= 1; owed.sends--) this.send();
			for (; owed.typing >= 1; owed.typing--) this.pickConnected()?.typing();
			for (; owed.reconnects >= 1; owed.reconnects--) this.reconnect();
			for (; owed.churn >= 1; owed.churn--) this.churn();
			for (; owed.historyReads >= 1; owed.historyReads--) this.readHistory();
			this.recoverDropped();
			onTick?.();
		}
	}

	/** Waits for the actions still in flight, at most `ms`. */
	async drain(ms: number): Promise<void> {
		const end = performance.now() + ms;
		while (this.pending.size > 0 && performance.now() < end) await sleep(50);
	}

	private send(): void {
		const member = this.pickConnected();
		const clientId = member?.send();
		if (!member || !clientId || this.random() >= this.rates.retryShare) return;
		if (this.random() < 0.5 || this.saturated) member.retry(clientId);
		else this.track(sleep(200 + this.random() * 1500).then(() => member.retry(clientId)));
	}

	private reconnect(): void {
		const member = this.saturated ? undefined : this.pickSettled();
		if (!member) return;
		this.busy.add(member);
		member.disconnect(this.random() < 0.5);
		this.counts.reconnects++;
		this.track(
			sleep(200 + this.random() * 1800)
				.then(() => member.connect(joinTimeoutMs))
				.catch((error: unknown) => this.fail(error))
				.finally(() => this.busy.delete(member)),
		);
	}

	private churn(): void {
		const member = this.saturated ? undefined : this.pickSettled();
		if (!member) return;
		const chat = this.chats.find((candidate) => candidate.members.includes(member));
		if (!chat) return;
		chat.members.splice(chat.members.indexOf(member), 1);
		chat.departed.push(member);
		member.disconnect(false);
		this.counts.leaves++;
		this.track(this.join(chat));
	}

	private readHistory(): void {
		const chat = this.chats[Math.floor(this.random() * this.chats.length)];
		if (!chat || this.saturated) return;
		const newest = Math.max(0, ...chat.members.map((member) => member.ledger?.lastSeq ?? 0));
		// Half the reads are the newest page (a page opened), half a page further back (scrolling).
		const before = this.random() < 0.5 || newest < 2 ? null : 1 + Math.floor(this.random() * newest);
		this.track(this.api.readPage(chat, before));
	}

	/** A socket the server or network closed: the client comes back with `since`, as ChatClient does. */
	private recoverDropped(): void {
		for (const chat of this.chats) {
			for (const member of chat.members) {
				if (member.connected || this.busy.has(member) || this.saturated) continue;
				this.busy.add(member);
				this.counts.recovered++;
				this.track(
					member
						.connect(joinTimeoutMs)
						.catch((error: unknown) => this.fail(error))
						.finally(() => this.busy.delete(member)),
				);
			}
		}
	}

	private async join(chat: SoakChat): Promise<void> {
		try {
			const member = await this.api.newMember(chat, `soak-${++this.joined}`);
			this.busy.add(member);
			chat.members.push(member);
			await member.connect(joinTimeoutMs).finally(() => this.busy.delete(member));
			this.counts.joins++;
		} catch (error) {
			this.fail(error);
		}
	}

	private fail(error: unknown): void {
		const reason = error instanceof Error ? error.message : String(error);
		this.counts.joinFailures[reason] = (this.counts.joinFailures[reason] ?? 0) + 1;
	}

	private get saturated(): boolean {
		return this.pending.size >= maxPending;
	}

	private track(work: Promise<void>): void {
		this.pending.add(work);
		void work.finally(() => this.pending.delete(work));
	}

	private connectedMembers(): SoakMember[] {
		return this.chats.flatMap((chat) => chat.members.filter((m) => m.connected && !this.busy.has(m)));
	}

	private pickConnected(): SoakMember | undefined {
		const members = this.connectedMembers();
		return members[Math.floor(this.random() * members.length)];
	}

	private pickSettled(): SoakMember | undefined {
		const members = this.connectedMembers().filter((member) => member.ledger?.settled === true);
		return members[Math.floor(this.random() * members.length)];
	}
}
