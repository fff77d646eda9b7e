type AttributeValue = string | number | boolean | null | undefined;
type Child = Node | string | null | undefined | false;

/**
 * Creates an element. Attributes go through `setAttribute` and children strings become text
 * nodes, so user text can never turn into markup: nothing here parses HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
	tag: K,
	attributes: Record<string, AttributeValue> = {},
	...children: Child[]
): HTMLElementTagNameMap[K] {
	const element = document.createElement(tag);
	for (const [name, value] of Object.entries(attributes)) {
		if (value === false || value === null || value === undefined) continue;
		element.setAttribute(name, value === true ? "" : String(value));
	}
	for (const child of children) if (child) element.append(child);
	return element;
}

/** An id unique within the page, to tie labels and descriptions to their controls. */
let nextId = 0;
export function uniqueId(prefix: string): string {
	nextId += 1;
	return `${prefix}-${nextId}`;
}

/** A labelled text input: the label is visible and names the control for assistive technology. */
export function labelledInput(
	label: string,
	attributes: Record<string, AttributeValue>,
): { field: HTMLDivElement; input: HTMLInputElement } {
	const id = uniqueId("field");
	const input = h("input", { id, ...attributes });
	const field = h("div", { class: "field" }, h("label", { for: id }, label), input);
	return { field, input };
}

/** A checkbox whose label (the visible text) is its accessible name, with an optional hint. */
export function labelledCheckbox(
	label: string,
	hint: string,
	checked: boolean,
): { field: HTMLDivElement; input: HTMLInputElement } {
	const hintId = uniqueId("hint");
	const input = h("input", { type: "checkbox", "aria-describedby": hintId, checked });
	const field = h(
		"div",
		{ class: "check" },
		h("label", {}, input, ` ${label}`),
		h("p", { id: hintId, class: "hint" }, hint),
	);
	return { field, input };
}

/** Copies text, falling back to selecting it where the clipboard API is unavailable (plain http). */
export async function copyText(
	text: string,
	fallbackSelect?: HTMLInputElement | HTMLTextAreaElement,
): Promise<boolean> {
	try {
		await navigator.clipboard.writeText(text);
		return true;
	} catch {
		fallbackSelect?.focus();
		fallbackSelect?.select();
		return false;
	}
}

/** A read-only field with a Copy button, for links and snippets meant to be shared. */
export function copyField(label: string, value: string, multiline = false, rows = 3): HTMLDivElement {
	const id = uniqueId("copy");
	const control = multiline
		? h("textarea", { id, readonly: true, rows, spellcheck: "false" })
		: h("input", { id, readonly: true, type: "text", spellcheck: "false" });
	control.value = value;
	const button = h("button", { type: "button", class: "secondary" }, `Copy ${label.toLowerCase()}`);
	const done = h("span", { class: "hint", role: "status" });
	button.addEventListener("click", async () => {
		const copied = await copyText(value, control);
		done.textContent = copied ? "Copied." : "Selected: press Ctrl+C to copy.";
	});
	return h(
		"div",
		{ class: "field copy" },
		h("label", { for: id }, label),
		h("div", { class: multiline ? "copy-row stacked" : "copy-row" }, control, button),
		done,
	);
}
