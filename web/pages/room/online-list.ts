import type { UserRef } from "../../../worker/protocol/index.ts";
import type { PresenceChange } from "../../client/index.ts";
import { paintUser } from "../colour.ts";
import { h, uniqueId } from "../dom.ts";
import { type NameBook, personName } from "../names.ts";

export type PersonControls = (person: UserRef) => HTMLElement | null;

/** Who is online: a heading with the exact count and the listed names (the server caps the list). */
export class OnlineList {
	readonly element: HTMLElement;
	readonly #count: HTMLSpanElement;
	readonly #list: HTMLUListElement;
	readonly #names: NameBook;
	readonly #controls: PersonControls | undefined;

	/** `controls`: what the user may do to a listed person (the moderation menu), if anything. */
	constructor(names: NameBook, controls?: PersonControls) {
		this.#names = names;
		this.#controls = controls;
		const headingId = uniqueId("online");
		this.#count = h("span", { class: "count" }, "0");
		this.#list = h("ul", { class: "online-list" });
		this.element = h(
			"section",
			{ class: "online", "aria-labelledby": headingId },
			h("h2", { id: headingId }, "Online ", this.#count),
			this.#list,
		);
	}

	update(presence: PresenceChange, me: UserRef | null): void {
		this.#count.textContent = String(presence.count);
		const people = [...presence.online].sort((a, b) => a.name.localeCompare(b.name));
		this.#list.replaceChildren(
			...people.map((person) => {
				const dot = h("span", { class: "dot", "aria-hidden": "true" });
				paintUser(dot, person.id);
				const you = person.id === me?.id ? h("span", { class: "hint" }, " (you)") : null;
				const controls = this.#controls?.(person) ?? null;
				return h(
					"li",
					{ "data-user": person.id },
					dot,
					personName(person, this.#names, "person"),
					you,
					controls,
				);
			}),
		);
		const unlisted = presence.count - people.length;
		if (unlisted > 0) this.#list.append(h("li", { class: "hint" }, `and ${unlisted} more`));
	}
}
