import type { ChatClient } from "../../client/index.ts";
import { confirmAction } from "../dialog.ts";
import type { MessageActions } from "./message-actions.ts";
import type { MessageList } from "./message-list.ts";
import { startEditing } from "./moderation-view.ts";

/** Says what could not be done ("Could not delete: …") where the room shows its notices. */
export type Report = (what: string, error: unknown) => void;

/**
 * What the controls on messages and people do in a joined room: edit in place, delete after a
 * confirmation (every delete, one's own too: it cannot be taken back), react, and moderate.
 * `list` is read when a control is used, since the list itself is built with these actions.
 */
export function messageControls(client: ChatClient, list: () => MessageList, report: Report): MessageActions {
	return {
		me: () => client.user,
		edit: (message) => startEditing(list(), message, (text) => client.editMessage(message.seq, text)),
		remove: (seq) => void confirmDelete(client, list().message(seq)?.text ?? "", seq, report),
		react: (seq, emoji) => {
			try {
				client.react(seq, emoji);
			} catch (error) {
				report("react", error);
			}
		},
		person: (action, person) => {
			const done =
				action === "promote"
					? client.setModerator(person.id, true)
					: action === "mute"
						? client.moderate({ kind: "mute", userId: person.id, seconds: 600 })
						: client.moderate({ kind: action, userId: person.id });
			done.catch((error: unknown) => report(action === "promote" ? "make a moderator" : action, error));
		},
	};
}

async function confirmDelete(client: ChatClient, text: string, seq: number, report: Report): Promise<void> {
	const excerpt = [...text].length > 80 ? `${[...text].slice(0, 80).join("")}…` : text;
	const confirmed = await confirmAction(
		"Delete this message?",
		`“${excerpt}” will be removed for everyone. This cannot be undone.`,
		"Delete",
	);
	if (!confirmed) return;
	try {
		await client.deleteMessage(seq);
	} catch (error) {
		report("delete", error);
	}
}
