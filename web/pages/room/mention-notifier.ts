import type { ClientMessage } from "../../client/index.ts";
import { h } from "../dom.ts";
import { mentionNotificationsWanted, wantMentionNotifications } from "../storage.ts";

export interface MentionNotifierOptions {
	chatId: string;
	/** The chat's current name, for the notification's title. */
	chatName: () => string;
	/** Shows the chat at this message: its notification was clicked. */
	reveal: (seq: number) => void;
	signal: AbortSignal;
}

/**
 * Browser notifications of mentions while the tab is hidden, behind the "Notify me of mentions"
 * control. The browser's permission is asked only when the person presses it, never on load (an
 * unasked prompt is an annoyance browsers penalise), and they are on only once the person pressed
 * it in this browser, even where the site was permitted before; pressed again, they are off. A
 * notification carries the message as text only and, clicked, brings the window forward at that
 * message.
 */
export class MentionNotifier {
	/** The control; null where the browser has no notifications. */
	readonly control: HTMLButtonElement | null = null;
	readonly #options: MentionNotifierOptions;
	readonly #shown = new Set<Notification>();

	constructor(options: MentionNotifierOptions) {
		this.#options = options;
		if (typeof Notification === "undefined") return;
		const control = h(
			"button",
			{ type: "button", class: "secondary small notify-mentions", "aria-pressed": "false" },
			"Notify me of mentions",
		);
		control.addEventListener("click", () => void this.#toggle());
		this.control = control;
		this.#showState();
		// Back on the tab, the person sees the mentions themselves: their notifications are stale.
		document.addEventListener(
			"visibilitychange",
			() => {
				if (document.visibilityState !== "visible") return;
				for (const shown of this.#shown) shown.close();
				this.#shown.clear();
			},
			{ signal: options.signal },
		);
	}

	/** A message that mentions this person arrived live: a notification if permitted and the tab is hidden. */
	mentioned(message: ClientMessage): void {
		if (!this.#on() || document.visibilityState !== "hidden") return;
		const { chatId, chatName, reveal } = this.#options;
		const shown = new Notification(`${message.user.name} mentioned you in ${chatName()}`, {
			body: message.text,
			// Two tabs of the same person show one notification, not two.
			tag: `edgechat:${chatId}:${message.seq}`,
		});
		this.#shown.add(shown);
		shown.addEventListener("close", () => this.#shown.delete(shown));
		shown.addEventListener("click", () => {
			window.focus();
			shown.close();
			reveal(message.seq);
		});
	}

	#on(): boolean {
		return this.control !== null && Notification.permission === "granted" && mentionNotificationsWanted();
	}

	/** Off: asks the browser (at once "granted" if permitted before, no prompt), on if allowed. On: off. */
	async #toggle(): Promise<void> {
		if (this.#on()) wantMentionNotifications(false);
		else if ((await Notification.requestPermission()) === "granted") wantMentionNotifications(true);
		this.#showState();
	}

	#showState(): void {
		const control = this.control;
		if (!control) return;
		control.setAttribute("aria-pressed", String(this.#on()));
		control.title =
			Notification.permission === "denied"
				? "Notifications are blocked for this site in the browser's settings"
				: "A notification when someone mentions you while this tab is hidden";
	}
}
