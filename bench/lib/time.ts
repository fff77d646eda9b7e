export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class DeadlineError extends Error {}

/** Rejects with a DeadlineError naming `what` if `work` has not settled within `ms`. */
export async function withDeadline<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const deadline = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new DeadlineError(`${what}: no result within ${ms / 1000} s`)), ms);
	});
	try {
		return await Promise.race([work, deadline]);
	} finally {
		clearTimeout(timer);
	}
}

/** Polls `check` every `everyMs` until it returns true or `ms` pass; returns whether it succeeded. */
export async function waitUntil(check: () => boolean, ms: number, everyMs = 20): Promise<boolean> {
	const end = performance.now() + ms;
	while (!check()) {
		if (performance.now() > end) return false;
		await sleep(everyMs);
	}
	return true;
}
