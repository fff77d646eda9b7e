/** The smallest non-zero difference between two readings of performance.now() (bounded spin). */
export function clockStep(): number {
	let smallest = Number.POSITIVE_INFINITY;
	let last = performance.now();
	for (let i = 0; i < 2_000_000 && smallest === Number.POSITIVE_INFINITY; i++) {
		const now = performance.now();
		if (now !== last) smallest = Math.min(smallest, now - last);
		last = now;
	}
	return smallest;
}
