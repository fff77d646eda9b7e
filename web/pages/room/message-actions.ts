import type { ChatMessage, ReactionCount, SessionUser, UserRef } from "../../../worker/protocol/index.ts";
import { h } from "../dom.ts";

/** The small picker: common reactions, one tap each. */
const picker = ["👍", "❤️", "😂", "🎉", "😮", "😢"];

export type PersonAction = "kick" | "mute" | "ban" | "promote";

export interface MessageActions {
	me: () => SessionUser | null;
	/** Reply pressed: the composer says what the next message answers. */
	reply?: (message: ChatMessage) => void;
	edit: (message: ChatMessage) => void;
	/** Delete pressed: the page asks to confirm before deleting. */
	remove: (seq: number) => void;
	react: (seq: number, emoji: string) => void;
	person: (action: PersonAction, user: UserRef) => void;
}

const canModerate = (me: SessionUser | null) => me?.role === "owner" || me?.role === "moderator";

/**
 * What a message shows besides its text: "edited", its reactions with counts, and the controls
 * this user may use on it (Reply; Edit and Delete their own; React; for owners and moderators, Delete
 * and a menu on the author). Called again whenever the message or the user's role changes, so it
 * first takes away what it added before.
 */
export function decorateMessage(item: HTMLLIElement, message: ChatMessage, actions: MessageActions): void {
	for (const old of item.querySelectorAll(".message-actions, .reactions, .edited, .person-menu, .delete")) {
		old.remove();
	}
	if (message.deleted) return;
	const me = actions.me();
	const meta = item.querySelector(".meta");
	const own = me !== null && message.user.id === me.id;
	if (message.editedAt !== undefined) meta?.append(h("span", { class: "edited hint" }, "edited"));
	if (me && !own && canModerate(me)) meta?.append(personMenu(message.user, me, actions));

	const reactions = reactionRow(message.seq, message.reactions ?? [], actions);
	if (reactions) item.append(reactions);

	const bar = h("div", { class: "message-actions" });
	const { reply } = actions;
	if (me && reply) bar.append(button("Reply", () => reply(message)));
	if (own) bar.append(button("Edit", () => actions.edit(message)));
	if (own || canModerate(me)) bar.append(button("Delete", () => actions.remove(message.seq)));
	if (me) {
		const choices = h(
			"div",
			{ class: "reaction-picker", hidden: true, role: "group", "aria-label": "Reactions" },
			...picker.map((emoji) =>
				button(
					emoji,
					() => {
						choices.hidden = true;
						actions.react(message.seq, emoji);
					},
					`React with ${emoji}`,
				),
			),
		);
		const toggle = button("React", () => {
			choices.hidden = !choices.hidden;
			toggle.setAttribute("aria-expanded", String(!choices.hidden));
		});
		toggle.setAttribute("aria-expanded", "false");
		bar.append(toggle, choices);
	}
	// In the meta row (author, time): on a grouped message it shares the spot its time shows in.
	(meta ?? item).append(bar);
}

/** The menu on `person` for an owner or moderator (not on themselves); null for everyone else. */
export function personControls(person: UserRef, actions: MessageActions): HTMLElement | null {
	const me = actions.me();
	return me && canModerate(me) && person.id !== me.id ? personMenu(person, me, actions) : null;
}

/** Kick, Mute (for 10 minutes), Ban, and for the owner Make moderator: on a message's author or in the online list. */
export function personMenu(
	person: UserRef,
	me: SessionUser,
	actions: Pick<MessageActions, "person">,
): HTMLElement {
	const menu = h(
		"details",
		{ class: "person-menu" },
		h("summary", { "aria-label": `Moderate ${person.name}` }, "⋯"),
		button("Kick", () => actions.person("kick", person)),
		withTitle(
			button("Mute", () => actions.person("mute", person)),
			"Mute for 10 minutes",
		),
		button("Ban", () => actions.person("ban", person)),
		me.role === "owner" ? button("Make moderator", () => actions.person("promote", person)) : null,
	);
	return menu;
}

function reactionRow(seq: number, reactions: ReactionCount[], actions: MessageActions): HTMLElement | null {
	if (reactions.length === 0) return null;
	return h(
		"div",
		{ class: "reactions" },
		...reactions.map(({ emoji, count }) =>
			button(`${emoji} ${count}`, () => actions.react(seq, emoji), `${emoji} ${count}, toggle your reaction`),
		),
	);
}

/** A tooltip that is also the control's description for assistive technology. */
function withTitle(element: HTMLButtonElement, title: string): HTMLButtonElement {
	element.title = title;
	return element;
}

function button(text: string, onClick: () => void, label?: string): HTMLButtonElement {
	const element = h(
		"button",
		{ type: "button", class: "link-button", ...(label && { "aria-label": label }) },
		text,
	);
	element.addEventListener("click", onClick);
	return element;
}
