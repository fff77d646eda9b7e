import type { UserRef } from "../../../worker/protocol/index.ts";
import { h } from "../dom.ts";

/** A typing notice stands for this long; clients repeat it while the person keeps typing. */
const visibleMs = 4000;

/** "Ana is typing…" from the room's ephemeral typing notices. */
export class TypingIndicator {
	readonly element: HTMLParagraphElement;
	readonly #typing = new Map<string, { name: string; timer: ReturnType<typeof setTimeout> }>();

	constructor() {
		this.element = h("p", { class: "typing", "aria-live": "polite" });
	}

	typing(user: UserRef): void {
		const existing = this.#typing.get(user.id);
		if (existing) clearTimeout(existing.timer);
		const timer = setTimeout(() => this.stopped(user.id), visibleMs);
		this.#typing.set(user.id, { name: user.name, timer });
		this.#render();
	}

	/** Their message arrived, or they went quiet. */
	stopped(userId: string): void {
		const existing = this.#typing.get(userId);
		if (!existing) return;
		clearTimeout(existing.timer);
		this.#typing.delete(userId);
		this.#render();
	}

	#render(): void {
		const names = [...this.#typing.values()].map((entry) => entry.name);
		let text = "";
		if (names.length === 1) text = `${names[0]} is typing…`;
		else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
		else if (names.length > 2) text = `${names.length} people are typing…`;
		this.element.textContent = text;
	}
}
