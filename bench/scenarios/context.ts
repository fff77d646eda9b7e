import type { Snapshot, TreeSample } from "../lib/proc.ts";
import type { Progress } from "../lib/progress.ts";
import type { FileFigures, MemoryFigures } from "../report/results.ts";
import type { Workspace } from "../servers/servers.ts";

export interface RunContext {
	workspace: Workspace;
	progress: Progress;
	quick: boolean;
	/**
	 * Where to write a CPU profile of the Worker's isolate for each step of a room (not the Node
	 * server), as .cpuprofile files that browser developer tools open; null: no profiles.
	 */
	profileDir: string | null;
}

/** Heading of every progress line: which scenario on which server. */
export function heading(scenario: string, server: string): string {
	return `${scenario} · ${server}`;
}

export function memoryFigures(before: Snapshot, connected: Snapshot, clients: number): MemoryFigures {
	const per = (grown: number) => (clients > 0 ? grown / clients : 0);
	return {
		rssBeforeBytes: before.server.rssBytes,
		rssConnectedBytes: connected.server.rssBytes,
		perConnectionBytes: per(connected.server.rssBytes - before.server.rssBytes),
		perConnectionByProcess: [...connected.server.byPid]
			.map(([pid, process]) => ({
				name: process.name,
				bytes: per(process.rssBytes - (before.server.byPid.get(pid)?.rssBytes ?? 0)),
			}))
			.filter((process) => Math.abs(process.bytes) >= 1024),
	};
}

/**
 * Descriptors gained per socket by every process of the server (and by the generator, which holds
 * one per client), and the number of sockets at which the tightest of them reaches its limit.
 */
export function fileFigures(before: Snapshot, connected: Snapshot, clients: number): FileFigures {
	const perSocket: FileFigures["perSocket"] = [];
	let ceiling = Number.POSITIVE_INFINITY;
	let limitedBy = "-";
	const consider = (name: string, start: TreeSample, end: TreeSample) => {
		for (const [pid, process] of end.byPid) {
			const initial = start.byPid.get(pid)?.files ?? 0;
			const gained = (process.files - initial) / Math.max(clients, 1);
			// Processes that hold no socket (wrangler's Node, esbuild) do not limit the room.
			if (gained < 0.2) continue;
			perSocket.push({
				name: `${name}${process.name}`,
				perSocket: gained,
				held: process.files,
				limit: process.limit,
			});
			const fits = Math.floor((process.limit - initial) / gained);
			if (fits < ceiling) {
				ceiling = fits;
				limitedBy = `${name}${process.name}`;
			}
		}
	};
	consider("", before.server, connected.server);
	consider("generator ", before.generator, connected.generator);
	return { perSocket, ceiling: Number.isFinite(ceiling) ? ceiling : 0, limitedBy };
}
