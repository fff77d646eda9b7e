import type { FileInfo, UserRef } from "../../../worker/protocol/index.ts";
import { limits } from "../../../worker/protocol/limits.ts";
import { h, uniqueId } from "../dom.ts";
import type { NameBook } from "../names.ts";
import { AttachFiles } from "./attach-files.ts";
import { MentionPicker } from "./mention-picker.ts";

export interface ComposerOptions {
	/**
	 * `mentions`: the ids of the people chosen with `@` whose name is still in the text. Returns an
	 * error to show, or null when the text was accepted. `files`: the images uploaded for it.
	 */
	onSend: (text: string, mentions: string[], files: FileInfo[]) => string | null;
	/** Uploads an image attached to the next message. */
	upload: (file: File) => Promise<FileInfo>;
	onTyping: () => void;
	/** The Up arrow in an empty composer: edit your last message. */
	onEditLast?: () => void;
	/** Escape in the message box (to cancel a reply). */
	onEscape?: () => void;
	/** Shown above the box, inside the form (what the message answers). */
	above?: HTMLElement;
	/** Who `@` offers to mention, in order (without the person writing), and how names show. */
	mentionable: () => UserRef[];
	names: NameBook;
}

/**
 * The message box: Enter sends, Shift+Enter starts a new line, `@` mentions someone; images come
 * with Attach, a paste or a drop (`attach.dropOnto` takes drops on more of the page), and a message of images alone may have no text.
 */
export class Composer {
	readonly element: HTMLFormElement;
	readonly #text: HTMLTextAreaElement;
	readonly #send: HTMLButtonElement;
	readonly #error: HTMLParagraphElement;
	readonly #picker: MentionPicker;
	readonly attach: AttachFiles;

	constructor(options: ComposerOptions) {
		const id = uniqueId("message");
		this.#text = h("textarea", {
			id,
			name: "message",
			rows: 1,
			placeholder: "Write a message…",
			disabled: true,
		});
		this.#send = h("button", { type: "submit", disabled: true }, "Send");
		this.#error = h("p", { class: "form-error", role: "alert" });
		this.#picker = new MentionPicker(this.#text, { candidates: options.mentionable, names: options.names });
		this.attach = new AttachFiles(options.upload, (text) => {
			this.#error.textContent = text;
		});
		this.attach.pasteInto(this.#text);
		this.element = h(
			"form",
			{ class: "composer" },
			options.above,
			this.attach.chips,
			h("label", { for: id, class: "visually-hidden" }, "Message"),
			this.attach.button,
			this.attach.input,
			this.#text,
			this.#send,
			this.#error,
			this.#picker.element,
		);
		this.element.addEventListener("submit", (event) => {
			event.preventDefault();
			this.#submit(options);
		});
		this.#text.addEventListener("keydown", (event) => {
			// An open picker owns the arrows, Enter, Tab and Escape.
			if (this.#picker.keydown(event)) return;
			if (event.key === "ArrowUp" && this.#text.value.length === 0 && options.onEditLast) {
				event.preventDefault();
				options.onEditLast();
				return;
			}
			if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
				event.preventDefault();
				this.#submit(options);
			}
			if (event.key === "Escape") options.onEscape?.();
		});
		this.#text.addEventListener("input", () => {
			this.#error.textContent = "";
			this.#fitHeight();
			if (this.#text.value.trim().length > 0) options.onTyping();
		});
	}

	/** Usable once the room has been joined; stays usable offline (messages queue). */
	enable(): void {
		this.#text.disabled = false;
		this.#send.disabled = false;
		this.attach.button.disabled = false;
	}

	/** The chat ended for this person (kicked, banned, deleted): nothing more can be sent. */
	disable(): void {
		this.#text.disabled = true;
		this.#send.disabled = true;
		this.attach.button.disabled = true;
	}

	focus(): void {
		this.#text.focus();
	}

	#submit(options: ComposerOptions): void {
		const text = this.#text.value.trim();
		const files = this.attach.files();
		if (!files) {
			this.#error.textContent = "An image is still uploading: send again in a moment.";
			return;
		}
		if (text.length === 0 && files.length === 0) return;
		const length = [...text].length;
		if (length > limits.textMax) {
			this.#error.textContent = `Too long: ${length} characters, at most ${limits.textMax}.`;
			return;
		}
		const error = options.onSend(text, this.#picker.mentions(), files);
		if (error) {
			this.#error.textContent = error;
			return;
		}
		this.#picker.reset();
		this.attach.clear();
		this.#text.value = "";
		this.#fitHeight();
		this.#text.focus();
	}

	/** Grows with its content up to a few lines, so long messages stay readable while typed. */
	#fitHeight(): void {
		this.#text.style.height = "auto";
		this.#text.style.height = `${Math.min(this.#text.scrollHeight, 160)}px`;
	}
}
