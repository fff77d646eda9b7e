export interface BackoffOptions {
	/** Ceiling of the first retry's delay. */
	baseMs: number;
	/** No delay is ever longer than this. */
	maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 500, maxMs: 10_000 };

/**
 * Delay before reconnect attempt `attempt` (0 for the first retry): exponential growth up to
 * `maxMs`, with "equal jitter" (half fixed, half random). When a room's server restarts, all its
 * clients drop at once; the random half spreads their returns so they do not all arrive together,
 * and the fixed half keeps a retry from coming back immediately.
 */
export function backoffDelay(
	attempt: number,
	random: () => number = Math.random,
	options: BackoffOptions = defaultBackoff,
): number {
	const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
