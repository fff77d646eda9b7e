import type { ChatMessage, ModerationFrame } from "../../../worker/protocol/index.ts";
import { h } from "../dom.ts";
import type { MessageList } from "./message-list.ts";

const said: Record<ModerationFrame["action"], string> = {
	kicked: "was removed from the chat",
	muted: "was muted",
	unmuted: "may speak again",
	banned: "was banned",
	unbanned: "is no longer banned",
};

/** "Bob was muted by Olga": a line in the conversation (the log announces it politely). */
export function moderationNote(frame: ModerationFrame): HTMLElement {
	const until = frame.until ? ` until ${new Date(frame.until).toLocaleTimeString()}` : "";
	const why = frame.reason ? ` (${frame.reason})` : "";
	return h(
		"p",
		{ class: "moderation-note hint" },
		`${frame.user.name} ${said[frame.action]}${until} by ${frame.by.name}${why}.`,
	);
}

/** Edits a message in place: its text becomes a labelled box with Save and Cancel. */
export function startEditing(
	list: MessageList,
	message: ChatMessage,
	save: (text: string) => Promise<unknown>,
): void {
	const item = list.element.querySelector<HTMLElement>(`li[data-seq="${message.seq}"]`);
	const text = item?.querySelector(".text");
	if (!item || !text || item.querySelector(".edit-form")) return;
	const box = h("textarea", { "aria-label": "Edit message", rows: 2 });
	box.value = message.text;
	const error = h("p", { class: "form-error", role: "alert" });
	const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
	const form = h("form", { class: "edit-form" }, box, h("button", { type: "submit" }, "Save"), cancel, error);
	// Back to where the edit began (the composer, after the Up arrow), if that is still on the page.
	const returnTo = document.activeElement;
	const close = () => {
		form.remove();
		text.removeAttribute("hidden");
		if (returnTo instanceof HTMLElement && returnTo.isConnected) returnTo.focus();
	};
	cancel.addEventListener("click", close);
	box.addEventListener("keydown", (event) => {
		if (event.key === "Escape") close();
		if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
			event.preventDefault();
			form.requestSubmit();
		}
	});
	form.addEventListener("submit", (event) => {
		event.preventDefault();
		save(box.value).then(close, (failure: unknown) => {
			error.textContent = failure instanceof Error ? failure.message : String(failure);
		});
	});
	text.setAttribute("hidden", "");
	text.after(form);
	box.focus();
}
