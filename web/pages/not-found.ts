import { h } from "./dom.ts";

export function mountNotFound(root: HTMLElement): void {
	document.title = "Not found · edgechat";
	root.replaceChildren(
		h(
			"main",
			{ class: "centered" },
			h(
				"div",
				{ class: "card" },
				h("h1", {}, "Page not found"),
				h("p", {}, h("a", { href: "/" }, "Go to the lobby")),
			),
		),
	);
}
