import type { ChatSettings } from "../../../worker/protocol/index.ts";
import { copyField, h } from "../dom.ts";
import { chatUrl, embedSnippet } from "../embed-snippet.ts";
import { chatKeys } from "../storage.ts";
import { downloadHistoryButton } from "./download-history.ts";

/** What only the owner sees: the link to share, the snippet to embed the chat elsewhere, the history. */
export function ownerTools(chat: ChatSettings): HTMLElement {
	const inviteKey = chat.visibility === "private" ? chatKeys(chat.id).inviteKey : undefined;
	const origin = location.origin;
	const parts: Node[] = [h("summary", {}, "Share and embed")];
	if (chat.visibility === "private" && !inviteKey) {
		parts.push(h("p", { class: "hint" }, "The invite link was shown when the chat was created."));
	} else {
		// A text area, not a one-line input: the sidebar is narrow and the whole link must show.
		const label = chat.visibility === "private" ? "Invite link" : "Link";
		parts.push(copyField(label, chatUrl(origin, chat.id, inviteKey), true, 2));
	}
	parts.push(copyField("Embed code", embedSnippet(origin, chat.id, chat.name, inviteKey), true));
	if (inviteKey)
		parts.push(
			h("p", { class: "hint" }, "The embed code contains the invite key: anyone who sees the page can join."),
		);
	if (chat.history) parts.push(downloadHistoryButton(chat.id));
	return h("details", { class: "owner-tools" }, ...parts);
}
