import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { sleep } from "../lib/time.ts";

/**
 * A process the bench started, in its own process group so that stopping it also stops what it
 * started (wrangler starts two workerd processes). Nothing else is ever signalled.
 */
export class Child {
	readonly pid: number;
	readonly logPath: string;
	private readonly process: ChildProcess;
	private exited = false;
	private exitCode: number | null = null;

	constructor(
		command: string,
		args: string[],
		options: { cwd: string; logPath: string; env?: NodeJS.ProcessEnv },
	) {
		const log = openSync(options.logPath, "a");
		this.process = spawn(command, args, {
			cwd: options.cwd,
			env: { ...process.env, WRANGLER_SEND_METRICS: "false", ...options.env },
			stdio: ["ignore", log, log],
			detached: true,
		});
		closeSync(log);
		if (this.process.pid === undefined) throw new Error(`could not start ${command}`);
		this.pid = this.process.pid;
		this.logPath = options.logPath;
		this.process.on("exit", (code) => {
			this.exited = true;
			this.exitCode = code;
		});
		running.add(this);
	}

	get hasExited(): boolean {
		return this.exited;
	}

	/** The last lines the process wrote, for error messages. */
	tail(lines = 15): string {
		try {
			return readFileSync(this.logPath, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
		} catch {
			return "";
		}
	}

	describeExit(): string {
		return `exited with code ${this.exitCode}`;
	}

	/** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the leader has exited. */
	async stop(graceMs = 5000): Promise<void> {
		running.delete(this);
		if (this.exited) return;
		this.signalGroup("SIGTERM");
		const end = performance.now() + graceMs;
		while (!this.exited && performance.now() < end) await sleep(25);
		// Stragglers of the group (a runtime whose parent is gone) get the hard signal too.
		this.signalGroup("SIGKILL");
		const hardEnd = performance.now() + 2000;
		while (!this.exited && performance.now() < hardEnd) await sleep(25);
	}

	signalGroup(signal: NodeJS.Signals): void {
		try {
			process.kill(-this.pid, signal);
		} catch {
			// The group is already gone.
		}
	}
}

const running = new Set<Child>();

/** On any exit of the bench, the servers it started go with it. */
export function stopAllChildrenNow(): void {
	for (const child of running) child.signalGroup("SIGKILL");
	running.clear();
}
