import { machineBusySeconds } from "./proc.ts";
import { sleep } from "./time.ts";

/** Cores the machine spent on anything over `ms`, measured from /proc/stat while this bench idles. */
export async function backgroundCores(ms = 1000): Promise<number> {
	const before = machineBusySeconds();
	const start = performance.now();
	await sleep(ms);
	return (machineBusySeconds() - before) / ((performance.now() - start) / 1000);
}

/**
 * This machine is shared: before a server starts, waits (up to `maxWaitMs`) until other work
 * uses less than `threshold` cores, so that figures of one run compare. Returns the load it
 * started with, which the results report either way.
 */
export async function waitForQuiet(
	maxWaitMs: number,
	threshold: number,
	onWait: (cores: number) => void,
): Promise<number> {
	const end = performance.now() + maxWaitMs;
	let cores = await backgroundCores();
	while (cores > threshold && performance.now() < end) {
		onWait(cores);
		cores = await backgroundCores(2000);
	}
	return cores;
}
