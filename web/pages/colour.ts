/**
 * A hue (0..359) derived from a user id: the same person has the same colour in every tab and on
 * every visit, and nobody can pick theirs. FNV-1a spreads similar ids far apart.
 */
export function userHue(userId: string): number {
	let hash = 0x811c9dc5;
	for (let index = 0; index < userId.length; index++) {
		hash ^= userId.charCodeAt(index);
		hash = Math.imul(hash, 0x01000193);
	}
	return (hash >>> 0) % 360;
}

/** Sets the `--hue` custom property the stylesheet turns into a light- or dark-scheme colour. */
export function paintUser(element: HTMLElement, userId: string): void {
	element.style.setProperty("--hue", String(userHue(userId)));
}
