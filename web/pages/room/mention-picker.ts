import type { UserRef } from "../../../worker/protocol/index.ts";
import { h, uniqueId } from "../dom.ts";
import { type NameBook, personName } from "../names.ts";
import { type MentionQuery, matchPeople, mentionedIds, mentionQueryAt } from "./mention-text.ts";

/** At most this many people are offered at a time; typing more of the name narrows them. */
const shownMax = 8;

export interface MentionPickerOptions {
	/** Who may be mentioned now, in the order to offer them, without the person writing. */
	candidates: () => UserRef[];
	names: NameBook;
}

/**
 * The `@` picker of a text box: typing `@` offers people, narrowed as the name is typed (case and
 * accents aside). Arrow keys move, Enter or Tab chooses, Escape closes, a click chooses too.
 * Choosing writes `@Name ` and records who was meant, since names need not be unique. The box
 * keeps the focus throughout and points at the active option with aria-activedescendant, the
 * listbox pattern for a text field that offers choices.
 */
export class MentionPicker {
	readonly element: HTMLUListElement;
	readonly #text: HTMLTextAreaElement;
	readonly #options: MentionPickerOptions;
	#chosen: UserRef[] = [];
	#shown: UserRef[] = [];
	#active = 0;
	#query: MentionQuery | null = null;
	/** Where the `@` the person closed or completed is: not offered again until it is typed anew. */
	#settledAt = -1;

	constructor(text: HTMLTextAreaElement, options: MentionPickerOptions) {
		this.#text = text;
		this.#options = options;
		const id = uniqueId("mention-picker");
		this.element = h("ul", {
			id,
			role: "listbox",
			class: "mention-picker",
			"aria-label": "People to mention",
			hidden: true,
		});
		text.setAttribute("aria-autocomplete", "list");
		text.setAttribute("aria-controls", id);
		text.addEventListener("input", () => this.#follow());
		text.addEventListener("click", () => this.#follow());
		text.addEventListener("blur", () => this.#close());
		// A press on an option must not take the focus from the box (that would close the picker).
		this.element.addEventListener("mousedown", (event) => event.preventDefault());
		this.element.addEventListener("click", (event) => {
			const option = event.target instanceof Element ? event.target.closest("[role=option]") : null;
			const index = option ? [...this.element.children].indexOf(option) : -1;
			const person = this.#shown[index];
			if (person) this.#choose(person);
		});
	}

	/** Takes the keys an open picker owns (before the box's own, like Enter to send); true if it did. */
	keydown(event: KeyboardEvent): boolean {
		if (this.element.hidden || event.isComposing) return false;
		const person = this.#shown[this.#active];
		if (event.key === "ArrowDown" || event.key === "ArrowUp") {
			const step = event.key === "ArrowDown" ? 1 : -1;
			this.#setActive((this.#active + step + this.#shown.length) % this.#shown.length);
		} else if ((event.key === "Enter" || (event.key === "Tab" && !event.shiftKey)) && person) {
			this.#choose(person);
		} else if (event.key === "Escape") {
			this.#settledAt = this.#query?.start ?? -1;
			this.#close();
		} else return false;
		event.preventDefault();
		return true;
	}

	/** Who the text mentions now: the people chosen whose `@Name` is still in it. */
	mentions(): string[] {
		return mentionedIds(this.#text.value, this.#chosen);
	}

	/** The message went: what was chosen for it goes too. */
	reset(): void {
		this.#chosen = [];
		this.#settledAt = -1;
		this.#close();
	}

	#follow(): void {
		const text = this.#text;
		if (this.#settledAt >= 0 && text.value[this.#settledAt] !== "@") this.#settledAt = -1;
		const query =
			text.selectionStart === text.selectionEnd ? mentionQueryAt(text.value, text.selectionStart) : null;
		if (!query || query.start === this.#settledAt) {
			this.#close();
			return;
		}
		const shown = matchPeople(this.#options.candidates(), query.query, shownMax);
		if (shown.length === 0) {
			this.#close();
			return;
		}
		const stillActive = this.#shown[this.#active];
		this.#query = query;
		this.#shown = shown;
		this.element.replaceChildren(
			...shown.map((person) =>
				h(
					"li",
					{ id: uniqueId("mention-option"), role: "option", "aria-selected": "false" },
					personName(person, this.#options.names, "person"),
				),
			),
		);
		this.element.hidden = false;
		const kept = stillActive ? shown.findIndex((person) => person.id === stillActive.id) : -1;
		this.#setActive(Math.max(kept, 0));
	}

	#setActive(index: number): void {
		this.#active = index;
		const options = [...this.element.children];
		for (const [at, option] of options.entries()) option.setAttribute("aria-selected", String(at === index));
		const active = options[index];
		if (!active) return;
		this.#text.setAttribute("aria-activedescendant", active.id);
		active.scrollIntoView({ block: "nearest" });
	}

	#choose(person: UserRef): void {
		const query = this.#query;
		if (!query) return;
		const text = this.#text;
		const end = query.start + 1 + query.query.length;
		const written = `@${person.name} `;
		text.value = text.value.slice(0, query.start) + written + text.value.slice(end);
		const caret = query.start + written.length;
		text.setSelectionRange(caret, caret);
		if (!this.#chosen.some((chosen) => chosen.id === person.id)) this.#chosen.push(person);
		this.#settledAt = query.start;
		this.#close();
		// The box grows and the typing notice goes out as for any other change of its text.
		text.dispatchEvent(new Event("input", { bubbles: true }));
	}

	#close(): void {
		this.#query = null;
		this.#shown = [];
		this.#active = 0;
		this.element.hidden = true;
		this.element.replaceChildren();
		this.#text.removeAttribute("aria-activedescendant");
	}
}
