import type { FileInfo } from "../../../worker/protocol/index.ts";
import { limits } from "../../../worker/protocol/limits.ts";
import { h } from "../dom.ts";
import { showBlob } from "./image-source.ts";

interface Attached {
	chip: HTMLLIElement;
	/** Set once the upload is done. */
	file?: FileInfo;
}

/**
 * The images going with the next message: chosen with Attach, pasted or dropped. Each uploads at
 * once and shows as a small chip with its own Remove button. A refusal goes to `report` in the
 * server's words and takes its chip away; the typed text is never touched.
 */
export class AttachFiles {
	readonly button: HTMLButtonElement;
	readonly input: HTMLInputElement;
	readonly chips: HTMLUListElement;
	#attached: Attached[] = [];
	readonly #upload: (file: File) => Promise<FileInfo>;
	readonly #report: (text: string) => void;

	constructor(upload: (file: File) => Promise<FileInfo>, report: (text: string) => void) {
		this.#upload = upload;
		this.#report = report;
		// What the server takes (it recognises the bytes themselves; this only guides the picker).
		const accept = "image/png,image/jpeg,image/gif,image/webp";
		this.input = h("input", { type: "file", accept, multiple: true, hidden: true });
		this.button = h("button", { type: "button", class: "secondary", disabled: true }, "Attach");
		this.chips = h("ul", { class: "attached-files", "aria-label": "Images to send" });
		this.button.addEventListener("click", () => this.input.click());
		this.input.addEventListener("change", () => {
			this.add(this.input.files ?? []);
			this.input.value = "";
		});
	}

	/** Image files pasted into `box` go with the message (pasted text is left alone). */
	pasteInto(box: HTMLElement): void {
		box.addEventListener("paste", (event) => this.#take(event, event.clipboardData?.files));
	}

	/** Files dropped anywhere on `zone` go with the message. */
	dropOnto(zone: HTMLElement): void {
		zone.addEventListener("dragover", (event) => {
			if (event.dataTransfer?.types.includes("Files")) event.preventDefault();
		});
		zone.addEventListener("drop", (event) => this.#take(event, event.dataTransfer?.files));
	}

	add(files: Iterable<File>): void {
		for (const file of files) {
			if (this.#attached.length >= limits.attachmentsMax) {
				this.#report(`A message carries at most ${limits.attachmentsMax} images.`);
				return;
			}
			const preview = h("img", { alt: "", width: 48, height: 48 });
			showBlob(preview, file);
			const remove = h(
				"button",
				{ type: "button", class: "secondary small", "aria-label": `Remove ${file.name}` },
				"×",
			);
			const entry: Attached = { chip: h("li", { class: "uploading" }, preview, remove) };
			remove.addEventListener("click", () => {
				this.#remove(entry);
				// Its button has gone: the keyboard goes on from Attach.
				this.button.focus();
			});
			this.#attached.push(entry);
			this.chips.append(entry.chip);
			this.#upload(file).then(
				(uploaded) => {
					entry.file = uploaded;
					entry.chip.classList.remove("uploading");
				},
				(error: unknown) => {
					this.#remove(entry);
					this.#report(`${file.name}: ${error instanceof Error ? error.message : String(error)}`);
				},
			);
		}
	}

	/** The uploaded files, in the order attached; null while one is still uploading. */
	files(): FileInfo[] | null {
		const files = this.#attached.map((entry) => entry.file);
		return files.every((file): file is FileInfo => file !== undefined) ? files : null;
	}

	clear(): void {
		for (const entry of this.#attached) entry.chip.remove();
		this.#attached = [];
	}

	#take(event: Event, files: FileList | undefined): void {
		if (!files?.length || this.button.disabled) return;
		event.preventDefault();
		this.add(files);
	}

	#remove(entry: Attached): void {
		entry.chip.remove();
		this.#attached = this.#attached.filter((other) => other !== entry);
	}
}
