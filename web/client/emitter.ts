export type Listener<T> = (detail: T) => void;

/** An emitter's `emit`, handed to the parts of a client that raise its events. */
export type Emit<Events extends object> = <K extends keyof Events>(type: K, detail: Events[K]) => void;

/**
 * A typed event emitter: `on("message", fn)` knows the shape of what `fn` receives. A plain
 * `EventTarget` would lose that type at every listener, and this is just as portable (Node, browser).
 */
export class Emitter<Events extends object> {
	#listeners: { [K in keyof Events]?: Set<Listener<Events[K]>> } = {};

	/** Subscribes; returns the function that unsubscribes. */
	on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
		const set = this.#listeners[type] ?? new Set<Listener<Events[K]>>();
		this.#listeners[type] = set;
		set.add(listener);
		return () => set.delete(listener);
	}

	protected emit<K extends keyof Events>(type: K, detail: Events[K]): void {
		for (const listener of this.#listeners[type] ?? []) {
			// One failing listener must not starve the others or break the connection loop.
			try {
				listener(detail);
			} catch (error) {
				console.error(error);
			}
		}
	}
}
