import type { UserRef } from "../../worker/protocol/index.ts";
import { paintUser } from "./colour.ts";
import { h } from "./dom.ts";

/** A short, stable tag from a user id, to tell apart two people who chose the same name. */
export function idTag(userId: string): string {
	return `#${userId.slice(-4)}`;
}

/**
 * The names seen in one room and the ids behind each. Names are free to choose, so two people
 * may share one; then (and only then) each is shown with a tag from their id.
 */
export class NameBook {
	readonly #idsByName = new Map<string, Set<string>>();

	/** Returns true when this made `user.name` ambiguous (names shown so far need their tags). */
	see(user: UserRef): boolean {
		let ids = this.#idsByName.get(user.name);
		if (!ids) {
			ids = new Set();
			this.#idsByName.set(user.name, ids);
		}
		if (ids.has(user.id)) return false;
		ids.add(user.id);
		return ids.size === 2;
	}

	isShared(name: string): boolean {
		return (this.#idsByName.get(name)?.size ?? 0) > 1;
	}
}

/** A person's name in their colour (the same everywhere), tagged when the name is shared. */
export function personName(user: UserRef, names: NameBook, className = "author"): HTMLSpanElement {
	const element = h("span", { class: className, "data-user": user.id }, user.name);
	element.dataset.name = user.name;
	if (names.isShared(user.name)) element.append(idTagElement(user.id));
	paintUser(element, user.id);
	return element;
}

function idTagElement(userId: string): HTMLSpanElement {
	return h("span", { class: "id-tag" }, ` ${idTag(userId)}`);
}

/** Adds the tag to every name under `root` that is now shared. */
export function revealTags(root: ParentNode, names: NameBook): void {
	for (const element of root.querySelectorAll<HTMLElement>("[data-name]")) {
		const { name, user } = element.dataset;
		if (name === undefined || user === undefined || !names.isShared(name)) continue;
		if (!element.querySelector(".id-tag")) element.append(idTagElement(user));
	}
}
