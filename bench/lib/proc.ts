import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU, memory and descriptors of a process tree, read from /proc. A server here is several
 * processes (wrangler's Node process, the dev proxy's workerd, the runtime's workerd), so every
 * figure is a sum over the tree rooted at the process the bench started.
 * Not pidusage/pidtree: no kernel share, per-thread CPU or descriptors there, and pidtree spawns `ps`.
 */

/** Linux reports CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel build. */
const ticksPerSecond = 100;

export interface TreeSample {
	/** performance.now() when the sample was taken. */
	at: number;
	pids: number[];
	/** User + system CPU seconds of every process in the tree, since each started. */
	cpuSeconds: number;
	/** The part of cpuSeconds spent in the kernel (system calls, loopback TCP): I/O, not JavaScript. */
	kernelSeconds: number;
	/** CPU seconds per thread, keyed "pid/tid", to find a single saturated thread. */
	threadCpuSeconds: Map<string, number>;
	/** Names of those threads (comm), for the report. */
	threadNames: Map<string, string>;
	rssBytes: number;
	openFiles: number;
	/** Per process: descriptors held, the process's limit, its name and CPU seconds. */
	byPid: Map<number, { name: string; files: number; limit: number; cpuSeconds: number; rssBytes: number }>;
}

function readText(path: string): string | null {
	try {
		return readFileSync(path, "utf8");
	} catch {
		return null;
	}
}

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces and parentheses. */
function statFields(stat: string): { comm: string; rest: string[] } {
	const open = stat.indexOf("(");
	const close = stat.lastIndexOf(")");
	return { comm: stat.slice(open + 1, close), rest: stat.slice(close + 2).split(" ") };
}

/** rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15. */
function cpuTicks(rest: string[]): number {
	return Number(rest[11]) + Number(rest[12]);
}

function kernelTicks(rest: string[]): number {
	return Number(rest[12]);
}

export function processTree(root: number): number[] {
	const children = new Map<number, number[]>();
	for (const entry of readdirSync("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		const stat = readText(`/proc/${entry}/stat`);
		if (stat === null) continue;
		const ppid = Number(statFields(stat).rest[1]);
		const list = children.get(ppid) ?? [];
		list.push(Number(entry));
		children.set(ppid, list);
	}
	const tree: number[] = [];
	const queue = [root];
	while (queue.length > 0) {
		const pid = queue.shift();
		if (pid === undefined || tree.includes(pid)) continue;
		if (readText(`/proc/${pid}/stat`) === null) continue;
		tree.push(pid);
		queue.push(...(children.get(pid) ?? []));
	}
	return tree;
}

/** The program's file name (node, workerd): Node renames its main thread, so comm alone says "MainThread". */
function processName(pid: number, comm: string): string {
	const argv = (readText(`/proc/${pid}/cmdline`) ?? "").split("\0");
	const program = (argv[0] ?? "").split("/").pop() || comm;
	// wrangler dev runs two workerd processes: the dev proxy listens on the public port, the
	// runtime on a port of its own (":0" on its command line). The entry port tells them apart.
	const entry = argv.map((arg) => /^--socket-addr=entry=[\d.]+:(\d+)$/.exec(arg)?.[1]).find(Boolean);
	return entry === undefined ? program : `${program}:${entry}`;
}

function rssBytes(pid: number): number {
	const match = /VmRSS:\s+(\d+) kB/.exec(readText(`/proc/${pid}/status`) ?? "");
	return match?.[1] ? Number(match[1]) * 1024 : 0;
}

export function openFiles(pid: number): number {
	try {
		return readdirSync(`/proc/${pid}/fd`).length;
	} catch {
		return 0;
	}
}

/** The soft RLIMIT_NOFILE of a process: what it may hold before accept() fails with EMFILE. */
export function openFileLimit(pid: number): number {
	const match = /Max open files\s+(\d+)/.exec(readText(`/proc/${pid}/limits`) ?? "");
	return match?.[1] ? Number(match[1]) : Number.POSITIVE_INFINITY;
}

export function sampleTree(pids: number[]): TreeSample {
	let cpu = 0;
	let kernel = 0;
	let rss = 0;
	let files = 0;
	const threadCpuSeconds = new Map<string, number>();
	const threadNames = new Map<string, string>();
	const byPid: TreeSample["byPid"] = new Map();
	for (const pid of pids) {
		const stat = readText(`/proc/${pid}/stat`);
		if (stat === null) continue;
		const fields = statFields(stat);
		const name = processName(pid, fields.comm);
		const cpuSeconds = cpuTicks(fields.rest) / ticksPerSecond;
		const resident = rssBytes(pid);
		const held = openFiles(pid);
		cpu += cpuSeconds;
		kernel += kernelTicks(fields.rest) / ticksPerSecond;
		rss += resident;
		files += held;
		byPid.set(pid, { name, files: held, limit: openFileLimit(pid), cpuSeconds, rssBytes: resident });
		let tids: string[] = [];
		try {
			tids = readdirSync(`/proc/${pid}/task`);
		} catch {
			// The process exited between the two reads.
		}
		for (const tid of tids) {
			const threadStat = readText(`/proc/${pid}/task/${tid}/stat`);
			if (threadStat === null) continue;
			const { comm, rest } = statFields(threadStat);
			threadCpuSeconds.set(`${pid}/${tid}`, cpuTicks(rest) / ticksPerSecond);
			threadNames.set(`${pid}/${tid}`, `${name}/${comm}`);
		}
	}
	return {
		at: performance.now(),
		pids,
		cpuSeconds: cpu,
		kernelSeconds: kernel,
		threadCpuSeconds,
		threadNames,
		rssBytes: rss,
		openFiles: files,
		byPid,
	};
}

export interface CpuUse {
	/** Average cores used over the interval (1.0 = one core fully busy). */
	cores: number;
	/** The busiest single thread, in cores, and its name: near 1.0 means that thread is the limit. */
	hottestThread: { name: string; cores: number };
	/** Cores used by each process of the tree, busiest first. */
	byProcess: { name: string; cores: number }[];
	/** Share of the CPU time spent in the kernel. */
	kernelShare: number;
}

export function cpuBetween(before: TreeSample, after: TreeSample): CpuUse {
	const seconds = Math.max((after.at - before.at) / 1000, 1e-6);
	let hottest = { name: "-", cores: 0 };
	for (const [key, cpu] of after.threadCpuSeconds) {
		const cores = (cpu - (before.threadCpuSeconds.get(key) ?? 0)) / seconds;
		if (cores > hottest.cores) hottest = { name: after.threadNames.get(key) ?? key, cores };
	}
	const byProcess = [...after.byPid].map(([pid, process]) => ({
		name: process.name,
		cores: (process.cpuSeconds - (before.byPid.get(pid)?.cpuSeconds ?? 0)) / seconds,
	}));
	byProcess.sort((a, b) => b.cores - a.cores);
	const used = after.cpuSeconds - before.cpuSeconds;
	const kernelShare = used > 0 ? (after.kernelSeconds - before.kernelSeconds) / used : 0;
	return {
		cores: used / seconds,
		hottestThread: hottest,
		byProcess,
		kernelShare,
	};
}

/** Busy CPU seconds of the whole machine (all cores), from the first line of /proc/stat. */
export function machineBusySeconds(): number {
	const line = (readText("/proc/stat") ?? "").split("\n")[0] ?? "";
	const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
	return (
		((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / ticksPerSecond
	);
}

export interface Snapshot {
	server: TreeSample;
	generator: TreeSample;
	machineBusySeconds: number;
}

export interface IntervalUse {
	seconds: number;
	server: CpuUse;
	generator: CpuUse;
	/** Cores busy with anything else on the machine: other people's work makes figures noisy. */
	otherCores: number;
	serverRssBytes: number;
}

/** Samples a server tree, this generator process and the machine together, so one interval covers all. */
export function snapshot(serverRoot: number): Snapshot {
	return {
		server: sampleTree(processTree(serverRoot)),
		generator: sampleTree([process.pid]),
		machineBusySeconds: machineBusySeconds(),
	};
}

export function intervalUse(before: Snapshot, after: Snapshot): IntervalUse {
	const seconds = Math.max((after.server.at - before.server.at) / 1000, 1e-6);
	const server = cpuBetween(before.server, after.server);
	const generator = cpuBetween(before.generator, after.generator);
	const machineCores = (after.machineBusySeconds - before.machineBusySeconds) / seconds;
	return {
		seconds,
		server,
		generator,
		otherCores: Math.max(0, machineCores - server.cores - generator.cores),
		serverRssBytes: after.server.rssBytes,
	};
}
