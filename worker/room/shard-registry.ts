import type { LocationHint, UserRef } from "../protocol";
import { firstShardOf, regionOfShard } from "../routing/shard-region";

export interface MembershipChange {
	joined: UserRef[];
	left: UserRef[];
	/** Users still here under a new name. */
	renamed: UserRef[];
}

type ShardRow = { idx: number; sockets: number };
type MemberRow = { idx: number; user_id: string; name: string };

/**
 * The root's record of its shards: how many sockets each holds and which users, as each last
 * reported. It is stored, so a root that wakes with empty memory still fans out to every shard
 * and still counts their users online. A chat that never spread never creates these tables.
 */
export class ShardRegistry {
	private readonly shards = new Map<number, { sockets: number; users: Map<string, UserRef> }>();
	private tablesReady = false;

	constructor(private readonly sql: SqlStorage) {}

	/** Loads what was stored and returns every (shard, user) pair, to count them online again. */
	load(): UserRef[] {
		const exists = this.sql
			.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'shards'")
			.toArray().length;
		if (!exists) return [];
		this.tablesReady = true;
		for (const row of this.sql.exec<ShardRow>("SELECT idx, sockets FROM shards")) {
			this.shards.set(row.idx, { sockets: row.sockets, users: new Map() });
		}
		const restored: UserRef[] = [];
		for (const row of this.sql.exec<MemberRow>("SELECT idx, user_id, name FROM shard_users")) {
			const user = { id: row.user_id, name: row.name };
			this.entry(row.idx).users.set(user.id, user);
			restored.push(user);
		}
		return restored;
	}

	/** Every shard this root has heard from, with sockets or not (a deleted chat erases them all). */
	known(): number[] {
		return [...this.shards.keys()];
	}

	/** Shards that hold sockets: the ones a batch goes to. */
	active(): number[] {
		return this.holding().map(({ idx }) => idx);
	}

	/** Each shard that holds sockets, with how many it holds. */
	holding(): Array<{ idx: number; sockets: number }> {
		const held: Array<{ idx: number; sockets: number }> = [];
		for (const [idx, { sockets }] of this.shards) if (sockets > 0) held.push({ idx, sockets });
		return held;
	}

	get sockets(): number {
		let total = 0;
		for (const { sockets } of this.shards.values()) total += sockets;
		return total;
	}

	/** Replaces a shard's whole contribution (it attached, perhaps after a restart that lost its sockets). */
	replace(idx: number, users: UserRef[], sockets: number): MembershipChange {
		const entry = this.entry(idx);
		const next = new Map(users.map((user) => [user.id, { id: user.id, name: user.name }]));
		const left = [...entry.users.values()].filter((user) => !next.has(user.id));
		const joined = [...next.values()].filter((user) => !entry.users.has(user.id));
		return this.store(idx, { joined, left, renamed: this.renamedIn(entry.users, users) }, sockets);
	}

	/** Applies a shard's reported delta; only real changes come back (a repeated report changes nothing). */
	apply(idx: number, joined: UserRef[], left: UserRef[], sockets: number): MembershipChange {
		const entry = this.entry(idx);
		const change = {
			joined: joined.filter((user) => !entry.users.has(user.id)),
			left: left.filter((user) => entry.users.has(user.id)),
			renamed: this.renamedIn(entry.users, joined),
		};
		return this.store(idx, change, sockets);
	}

	/**
	 * Where a socket from `region` should go when the root is full: the region's lowest shard with
	 * room as last reported, else the region's next new one, so that a region's shards fill in
	 * order. Reports lag, so the answer may be full too; it then names the one after it.
	 */
	suggest(capacity: number, region: LocationHint | null): number {
		let highest = firstShardOf(region) - 1;
		let best: number | null = null;
		for (const [idx, { sockets }] of this.shards) {
			if (regionOfShard(idx) !== region) continue;
			highest = Math.max(highest, idx);
			if (sockets < capacity && (best === null || idx < best)) best = idx;
		}
		return best ?? highest + 1;
	}

	private store(idx: number, change: MembershipChange, sockets: number): MembershipChange {
		this.createTables();
		const entry = this.entry(idx);
		entry.sockets = sockets;
		this.sql.exec(
			"INSERT INTO shards (idx, sockets) VALUES (?, ?) ON CONFLICT (idx) DO UPDATE SET sockets = excluded.sockets",
			idx,
			sockets,
		);
		// One statement each way per report (a storm's report names hundreds), the users as JSON.
		if (change.left.length > 0) {
			for (const user of change.left) entry.users.delete(user.id);
			this.sql.exec(
				"DELETE FROM shard_users WHERE idx = ? AND user_id IN (SELECT value FROM json_each(?))",
				idx,
				JSON.stringify(change.left.map((user) => user.id)),
			);
		}
		const arrived = [...change.joined, ...change.renamed];
		if (arrived.length > 0) {
			const rows = arrived.map((user) => {
				entry.users.set(user.id, { id: user.id, name: user.name });
				return [user.id, user.name];
			});
			this.sql.exec(
				`INSERT OR REPLACE INTO shard_users (idx, user_id, name)
				 SELECT ?, value ->> 0, value ->> 1 FROM json_each(?)`,
				idx,
				JSON.stringify(rows),
			);
		}
		return change;
	}

	private renamedIn(known: Map<string, UserRef>, users: UserRef[]): UserRef[] {
		return users.filter((user) => {
			const before = known.get(user.id);
			return before !== undefined && before.name !== user.name;
		});
	}

	private entry(idx: number) {
		let entry = this.shards.get(idx);
		if (!entry) {
			entry = { sockets: 0, users: new Map() };
			this.shards.set(idx, entry);
		}
		return entry;
	}

	private createTables(): void {
		if (this.tablesReady) return;
		this.sql.exec("CREATE TABLE IF NOT EXISTS shards (idx INTEGER PRIMARY KEY, sockets INTEGER NOT NULL)");
		this.sql.exec(`CREATE TABLE IF NOT EXISTS shard_users (
			idx INTEGER NOT NULL,
			user_id TEXT NOT NULL,
			name TEXT NOT NULL,
			PRIMARY KEY (idx, user_id)
		) WITHOUT ROWID`);
		this.tablesReady = true;
	}
}
