import type { ConnectionState } from "../../client/index.ts";
import { h } from "../dom.ts";

const labels: Record<ConnectionState, string> = {
	idle: "Not connected",
	connecting: "Connecting…",
	live: "Live",
	reconnecting: "Reconnecting…",
	offline: "Offline: messages will be sent when you are back online",
	closed: "Disconnected",
};

/** The link's state, as a status region so screen readers hear it change. */
export class ConnectionStatus {
	readonly element: HTMLParagraphElement;

	constructor() {
		this.element = h("p", { class: "status", role: "status", "aria-live": "polite", "data-state": "idle" });
		this.show("connecting");
	}

	show(state: ConnectionState): void {
		this.element.dataset.state = state;
		this.element.textContent = labels[state];
	}
}
