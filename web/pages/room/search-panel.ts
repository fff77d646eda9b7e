import type { ChatMessage, SearchPage } from "../../../worker/protocol/index.ts";
import { limits } from "../../../worker/protocol/limits.ts";
import { h, uniqueId } from "../dom.ts";
import { type NameBook, personName } from "../names.ts";
import { highlighted } from "./search-highlight.ts";

/** Typing waits this long for the next key before it searches (Enter searches at once). */
const typingPauseMs = 300;

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export interface SearchPanelOptions {
	/** One page of results, newest first; `before` for older ones. */
	search: (q: string, before?: number) => Promise<SearchPage>;
	/** A result was chosen: show that message in its context. */
	choose: (seq: number) => void;
	names: NameBook;
}

/**
 * The room's search: a labelled box (for the header) that searches as the person types, and a
 * panel of results, newest first, the words found marked, with More results for older ones.
 * Escape clears it. Choosing a result folds the panel away; the box brings it back.
 */
export class SearchPanel {
	/** The search box, a `search` landmark. */
	readonly form: HTMLFormElement;
	/** The results, shown under the header while there are any to show. */
	readonly results: HTMLElement;
	readonly #input: HTMLInputElement;
	readonly #status: HTMLParagraphElement;
	readonly #list: HTMLOListElement;
	readonly #more: HTMLButtonElement;
	readonly #options: SearchPanelOptions;
	#timer: ReturnType<typeof setTimeout> | undefined;
	/** The text the results shown are for, and the request whose answer is awaited. */
	#query = "";
	#request = 0;
	#oldestSeq: number | null = null;

	constructor(options: SearchPanelOptions) {
		this.#options = options;
		const id = uniqueId("search");
		this.#input = h("input", {
			id,
			type: "search",
			name: "q",
			placeholder: "Search messages",
			maxlength: limits.searchTextMax,
			autocomplete: "off",
		});
		this.form = h(
			"form",
			{ class: "search-box", role: "search" },
			h("label", { for: id, class: "visually-hidden" }, "Search messages"),
			this.#input,
		);
		this.#status = h("p", { class: "hint", role: "status" });
		this.#list = h("ol", { class: "search-results-list" });
		this.#more = h("button", { type: "button", class: "secondary small", hidden: true }, "More results");
		const close = h("button", { type: "button", class: "secondary small" }, "Close search");
		this.results = h(
			"section",
			{ class: "search-results", "aria-label": "Search results", hidden: true },
			h("div", { class: "search-results-head" }, this.#status, close),
			this.#list,
			this.#more,
		);

		this.form.addEventListener("submit", (event) => {
			event.preventDefault();
			this.#searchNow();
		});
		this.#input.addEventListener("input", () => {
			clearTimeout(this.#timer);
			this.#timer = setTimeout(() => this.#searchNow(), typingPauseMs);
		});
		this.#input.addEventListener("keydown", (event) => {
			if (event.key !== "Escape") return;
			event.preventDefault();
			this.clear();
		});
		this.#input.addEventListener("focus", () => {
			if (this.#query) this.results.hidden = false;
		});
		this.#more.addEventListener("click", () => void this.#load(this.#query, this.#oldestSeq ?? undefined));
		close.addEventListener("click", () => {
			this.clear();
			this.#input.focus();
		});
	}

	/** Empties the box and the results. */
	clear(): void {
		clearTimeout(this.#timer);
		this.#input.value = "";
		this.#show("");
	}

	#searchNow(): void {
		clearTimeout(this.#timer);
		const q = this.#input.value.trim();
		if (q !== this.#query || this.results.hidden) this.#show(q);
	}

	#show(q: string): void {
		this.#query = q;
		this.#request += 1;
		this.#oldestSeq = null;
		this.#list.replaceChildren();
		this.#more.hidden = true;
		this.results.hidden = q === "";
		this.#status.textContent = "";
		if (q) void this.#load(q);
	}

	async #load(q: string, before?: number): Promise<void> {
		const request = ++this.#request;
		this.results.setAttribute("aria-busy", "true");
		if (before === undefined) this.#status.textContent = "Searching…";
		let page: SearchPage;
		try {
			page = await this.#options.search(q, before);
		} catch (error) {
			if (request !== this.#request) return;
			this.results.removeAttribute("aria-busy");
			this.#status.textContent = `Could not search: ${error instanceof Error ? error.message : String(error)}`;
			return;
		}
		// A newer search (the person kept typing) answers for itself.
		if (request !== this.#request) return;
		this.results.removeAttribute("aria-busy");
		for (const message of page.messages) this.#list.append(this.#result(message, q));
		this.#oldestSeq = page.messages.at(-1)?.seq ?? this.#oldestSeq;
		this.#more.hidden = !page.hasMore;
		const count = this.#list.childElementCount;
		this.#status.textContent =
			count === 0
				? `No messages found for “${q}”.`
				: `${count}${page.hasMore ? "+" : ""} ${count === 1 ? "message" : "messages"} found for “${q}”.`;
	}

	#result(message: ChatMessage, q: string): HTMLLIElement {
		const when = new Date(message.ts);
		const choose = h(
			"button",
			{ type: "button", class: "search-result" },
			h(
				"span",
				{ class: "search-result-meta" },
				personName(message.user, this.#options.names, "person"),
				h("time", { datetime: when.toISOString() }, timeFormat.format(when)),
			),
			h("span", { class: "search-result-text" }, ...highlighted(message.text, q)),
		);
		choose.dataset.seq = String(message.seq);
		choose.addEventListener("click", () => {
			this.results.hidden = true;
			this.#options.choose(message.seq);
		});
		return h("li", {}, choose);
	}
}
