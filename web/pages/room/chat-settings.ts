import type { ChatSettings } from "../../../worker/protocol/index.ts";
import type { ChatClient } from "../../client/index.ts";
import { confirmAction } from "../dialog.ts";
import { copyField, h, labelledCheckbox, labelledInput } from "../dom.ts";
import { chatUrl } from "../embed-snippet.ts";
import { rememberChatKeys } from "../storage.ts";

/**
 * The owner's "Chat settings": name, private or public, slow mode, read-only, a new invite link
 * (the old one stops working at once), and deleting the chat, confirmed in the page's dialog.
 */
export function chatSettingsPanel(
	client: ChatClient,
	chat: ChatSettings,
	onDeleted: () => void,
): HTMLElement {
	const name = labelledInput("Chat name", { name: "chat-name", maxlength: 80, required: true });
	name.input.value = chat.name;
	const privacy = labelledCheckbox(
		"Private",
		"Only people with the invite link can join.",
		chat.visibility === "private",
	);
	const slow = labelledInput("Slow mode", { type: "number", min: 0, max: 3600, name: "slow-mode" });
	slow.input.value = String(chat.slowModeSeconds ?? 0);
	slow.field.append(h("p", { class: "hint" }, "Seconds members wait between messages; 0 is off."));
	const readOnly = labelledCheckbox("Read-only", "Only you and moderators can post.", chat.readOnly === true);
	const status = h("p", { class: "hint", role: "status" });
	const save = h("button", { type: "submit" }, "Save settings");
	const form = h(
		"form",
		{ class: "chat-settings" },
		name.field,
		privacy.field,
		slow.field,
		readOnly.field,
		save,
		status,
	);
	form.addEventListener("submit", (event) => {
		event.preventDefault();
		status.textContent = "Saving…";
		client
			.updateChat({
				name: name.input.value.trim(),
				visibility: privacy.input.checked ? "private" : "public",
				slowModeSeconds: Math.max(0, Math.floor(Number(slow.input.value) || 0)),
				readOnly: readOnly.input.checked,
			})
			.then(
				() => {
					status.textContent = "Saved.";
				},
				(error: unknown) => {
					status.textContent = `Not saved: ${describe(error)}`;
				},
			);
	});

	const linkArea = h("div", { class: "rotated-link" });
	const rotate = h("button", { type: "button", class: "secondary" }, "Rotate invite link");
	rotate.addEventListener("click", () => {
		client.rotateKey("invite").then(
			({ key }) => {
				rememberChatKeys(chat.id, { inviteKey: key });
				linkArea.replaceChildren(
					copyField("New invite link", chatUrl(location.origin, chat.id, key)),
					h("p", { class: "hint", role: "status" }, "The old invite link no longer works."),
				);
			},
			(error: unknown) => {
				linkArea.replaceChildren(h("p", { role: "alert" }, `Could not rotate: ${describe(error)}`));
			},
		);
	});

	const deleteStatus = h("div", { class: "confirm-delete" });
	const remove = h("button", { type: "button", class: "danger" }, "Delete chat");
	remove.addEventListener("click", async () => {
		const confirmed = await confirmAction(
			"Delete this chat?",
			"Its messages and everything in it go for everyone. This cannot be undone.",
			"Delete",
		);
		if (!confirmed) return;
		client.deleteChat().then(onDeleted, (error: unknown) => {
			deleteStatus.replaceChildren(h("p", { role: "alert" }, `Could not delete: ${describe(error)}`));
		});
	});

	return h(
		"details",
		{ class: "chat-settings-panel" },
		h("summary", {}, "Chat settings"),
		form,
		rotate,
		linkArea,
		remove,
		deleteStatus,
	);
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
