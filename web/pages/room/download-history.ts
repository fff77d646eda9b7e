import { h } from "../dom.ts";
import { savedToken } from "../storage.ts";

/**
 * "Download history": the chat's whole log as a text file. The export is fetched with the
 * owner's token in a header (never in a URL, where it would be logged) and saved from a blob.
 */
export function downloadHistoryButton(chatId: string): HTMLElement {
	const status = h("span", { class: "hint", role: "status" });
	const button = h("button", { type: "button" }, "Download history");
	button.addEventListener("click", () => {
		button.disabled = true;
		status.textContent = "Preparing…";
		void download(chatId)
			.then(() => {
				status.textContent = "";
			})
			.catch((error: unknown) => {
				status.textContent = error instanceof Error ? error.message : "The download failed";
			})
			.finally(() => {
				button.disabled = false;
			});
	});
	return h("p", {}, button, " ", status);
}

async function download(chatId: string): Promise<void> {
	const token = savedToken(chatId)?.token;
	const response = await fetch(`/api/chats/${encodeURIComponent(chatId)}/export?format=txt`, {
		headers: token ? { Authorization: `Bearer ${token}` } : {},
	});
	if (!response.ok) throw new Error(`The download failed (HTTP ${response.status})`);
	const url = URL.createObjectURL(await response.blob());
	const link = h("a", { href: url, download: `edgechat-${chatId}.txt` });
	document.body.append(link);
	link.click();
	link.remove();
	// The click has handed the blob to the browser's download; the URL is no longer needed.
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
