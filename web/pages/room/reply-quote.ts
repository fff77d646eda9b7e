import type { ChatMessage } from "../../../worker/protocol/index.ts";
import { h } from "../dom.ts";
import { type NameBook, personName } from "../names.ts";

/**
 * The quote above a reply: who it answers and the start of what they said ("deleted message"
 * once that is deleted). It is a button that goes to the original (`jump`). Drawn again whenever
 * the reply changes, so it first takes away the one drawn before.
 */
export function showQuote(
	item: HTMLLIElement,
	message: ChatMessage,
	names: NameBook,
	jump: (seq: number) => void,
): void {
	item.querySelector(".reply-quote")?.remove();
	const quote = message.replyTo;
	if (!quote || message.deleted) return;
	const button = h(
		"button",
		{ type: "button", class: "reply-quote", title: "Go to the message it answers" },
		h("span", { class: "visually-hidden" }, "In reply to "),
		personName(quote.user, names, "person reply-author"),
		": ",
		quote.deleted
			? h("span", { class: "reply-text deleted" }, "deleted message")
			: h("span", { class: "reply-text" }, quote.text ?? ""),
	);
	button.addEventListener("click", () => jump(quote.seq));
	const text = item.querySelector(".text");
	item.insertBefore(button, text);
}
