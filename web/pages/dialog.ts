import { h, labelledInput } from "./dom.ts";

/**
 * A modal `<dialog>`: the browser traps focus in it, makes the page behind it inert, closes it
 * on Escape (as a cancel) and returns focus to whatever opened it. Resolves with the button the
 * person chose: `returnValue` is the value of the submit button that closed the form.
 */
function openDialog(title: string, content: Node[], confirmLabel: string, danger: boolean): Promise<boolean> {
	const titleId = `dialog-title-${Math.random().toString(36).slice(2)}`;
	const form = h(
		"form",
		{ method: "dialog" },
		h("h2", { id: titleId }, title),
		...content,
		h(
			"div",
			{ class: "row dialog-buttons" },
			h("button", { type: "submit", value: "confirm", class: danger ? "danger" : null }, confirmLabel),
			h("button", { type: "submit", value: "cancel", class: "secondary", formnovalidate: true }, "Cancel"),
		),
	);
	const dialog = h("dialog", { class: "dialog", "aria-labelledby": titleId }, form);
	document.body.append(dialog);
	return new Promise((resolve) => {
		dialog.addEventListener("close", () => {
			dialog.remove();
			resolve(dialog.returnValue === "confirm");
		});
		dialog.showModal();
	});
}

/** Asks before something that cannot be taken back; true when confirmed. */
export function confirmAction(title: string, detail: string, confirmLabel: string): Promise<boolean> {
	return openDialog(title, [h("p", { class: "dialog-detail" }, detail)], confirmLabel, true);
}

/** Asks for one line of text; null when cancelled. */
export async function askText(
	title: string,
	label: string,
	value: string,
	attributes: Record<string, string | number | boolean>,
	confirmLabel: string,
): Promise<string | null> {
	const { field, input } = labelledInput(label, { ...attributes, required: true });
	input.value = value;
	const confirmed = await openDialog(title, [field], confirmLabel, false);
	const text = input.value.trim();
	return confirmed && text.length > 0 ? text : null;
}
