import { createRequire } from "node:module";
import type { Frame, Page } from "playwright-core";

const require = createRequire(import.meta.url);
/** axe-core from the npm registry, injected into the page as its own script. */
const axePath = require.resolve("axe-core/axe.min.js");

interface AxeResults {
	violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[];
}

declare global {
	interface Window {
		/** Set by axe-core's script once injected. */
		axe?: { run: (context: Document, options: unknown) => Promise<AxeResults> };
	}
}

export interface Violation {
	id: string;
	impact: string | null;
	help: string;
	targets: string[];
}

/**
 * Runs axe-core on what the page shows now and returns the serious and critical violations
 * (WCAG 2.x A and AA rules and axe's best practices), each with the elements it found.
 */
export async function seriousViolations(page: Page | Frame): Promise<Violation[]> {
	await page.addScriptTag({ path: axePath });
	return page.evaluate(async () => {
		const axe = window.axe;
		if (!axe) throw new Error("axe-core did not load");
		const results = await axe.run(document, {
			runOnly: {
				type: "tag",
				values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
			},
		});
		return results.violations
			.filter((violation) => violation.impact === "serious" || violation.impact === "critical")
			.map((violation) => ({
				id: violation.id,
				impact: violation.impact ?? null,
				help: violation.help,
				targets: violation.nodes.map((node) => node.target.map(String).join(" ")),
			}));
	});
}
