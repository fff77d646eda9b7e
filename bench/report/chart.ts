import type { ServerKind } from "../servers/servers.ts";
import { type Results, scenarioName } from "./results.ts";

/**
 * docs/bench/chart.svg: per scenario and phase, fan-out latency (p50, p95, p99, log scale) and
 * deliveries per second, then joins per second per room; edgechat next to the bare Durable Object
 * room and the Node ws server. Plain SVG, no library: it is drawn from results.json alone.
 */

/** A server in the chart: its kind, and edgechat without its static-assets router apart. */
type Series = ServerKind | "edgechat-api-only" | "edgechat-spread";

const colors: Record<Series, string> = {
	edgechat: "#e8710a",
	"edgechat-api-only": "#f6b26b",
	"edgechat-spread": "#a64d00",
	"bare-room": "#3b6ea5",
	"bare-room-stored": "#8fb3d9",
	"bare-room-greeting": "#5b8db8",
	"node-ws": "#7d7d7d",
	"history-room": "#000000",
};
const names: Record<Series, string> = {
	edgechat: "edgechat",
	"edgechat-api-only": "edgechat, API only (no assets router)",
	"edgechat-spread": "edgechat, chat spread over several objects",
	"bare-room": "bare DO room (platform floor)",
	"bare-room-stored": "bare DO room + SQLite write per frame",
	"bare-room-greeting": "bare DO room + greeting frame",
	"node-ws": "Node ws (machine ceiling)",
	"history-room": "history room",
};
const serverOrder: Series[] = [
	"edgechat",
	"edgechat-api-only",
	"edgechat-spread",
	"bare-room",
	"bare-room-stored",
	"bare-room-greeting",
	"node-ws",
];

function seriesOf(run: { kind: ServerKind; apiOnly?: boolean; objects?: number }): Series {
	if (run.objects !== undefined && run.objects > 1) return "edgechat-spread";
	return run.apiOnly ? "edgechat-api-only" : run.kind;
}

/** One server's values in a group; `values` has one entry per sub-bar (p50/p95/p99, or one). */
interface Bar {
	kind: Series;
	server: string;
	values: number[];
}

interface Group {
	/** First line bold, the rest small. */
	lines: string[];
	bars: Bar[];
}

interface Scale {
	log: boolean;
	format: (value: number) => string;
}

/** Wide enough for every group's labels: a group needs about 150 px. */
let width = 1280;
const panelHeight = 250;
/** Room under a panel for its group labels (three lines). */
const labelHeight = 56;
const margin = { left: 80, right: 20 };
/** Widest a server's bars may be, so that a group of one does not fill its whole column. */
const maxSlot = 78;
const shades = [0.45, 0.7, 1];

export function renderChart(results: Results): string {
	const phases = phaseGroups(results);
	const joins = joinGroups(results);
	width = Math.max(1280, margin.left + margin.right + 155 * Math.max(phases.length, joins.length));
	const parts: string[] = [];
	let top = 118;
	const latencyPanel = panel(
		top,
		"Fan-out latency, send to arrival at every client (ms, log scale): p50 · p95 · p99",
		phases.map((group) => ({
			...group,
			bars: group.bars.map((bar) => ({ ...bar, values: bar.values.slice(0, 3) })),
		})),
		{ log: true, format: formatMs },
	);
	top += panelHeight + labelHeight + 50;
	const throughputPanel = panel(
		top,
		"Deliveries per second (one message reaching one client)",
		phases.map((group) => ({
			...group,
			bars: group.bars.map((bar) => ({ ...bar, values: bar.values.slice(3) })),
		})),
		{ log: false, format: formatCount },
	);
	top += panelHeight + labelHeight + 50;
	const joinPanel = panel(
		top,
		"Joins per second while filling the room (log scale; edgechat: token, upgrade, ready)",
		joins,
		{
			log: true,
			format: formatCount,
		},
	);
	const height = top + panelHeight + labelHeight + 40;

	const heading = "edgechat under load, against the platform floor and the machine's ceiling";
	parts.push(
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12" role="img" aria-labelledby="chart-title chart-description">`,
	);
	parts.push(`<title id="chart-title">${escapeXml(heading)}</title>`);
	parts.push(
		`<desc id="chart-description">${escapeXml(
			"Fan-out latency percentiles, deliveries per second and joins per second per scenario, for edgechat, a bare Durable Object room and a plain Node ws server, measured in one run of npm run bench.",
		)}</desc>`,
	);
	parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
	parts.push(text(margin.left, 28, heading, 17, "bold"));
	const when = results.meta.date.slice(0, 16).replace("T", " ");
	parts.push(
		text(
			margin.left,
			48,
			`${results.meta.command} · ${when} UTC · ${results.meta.cores} cores (${results.meta.cpuModel}) · commit ${results.meta.gitCommit}`,
			12,
			"normal",
			"#555",
		),
	);
	parts.push(legend(margin.left, 76, results));
	parts.push(latencyPanel, throughputPanel, joinPanel);
	parts.push(
		text(
			margin.left,
			height - 16,
			"Paced phases offer a fixed rate (latency is the figure); saturated phases offer more than any server here delivers (throughput is the figure). All figures: docs/bench/results.json",
			11,
			"normal",
			"#555",
		),
	);
	parts.push("</svg>");
	return `${parts.join("\n")}\n`;
}

/** Bars per room scenario and phase: values are [p50, p95, p99, deliveries/s]. */
function phaseGroups(results: Results): Group[] {
	const groups = new Map<string, Group>();
	for (const run of results.rooms) {
		for (const phase of run.phases) {
			const scenario = scenarioName(run);
			const key = `${scenario} ${phase.name}`;
			let group = groups.get(key);
			if (!group) {
				const senders = `${phase.senders} sender${phase.senders > 1 ? "s" : ""}`;
				group = {
					lines: [
						scenario,
						`${phase.name} · N=${count(phase.clients)}`,
						`${senders} · ${phase.offeredPerSecond} msg/s`,
					],
					bars: [],
				};
				groups.set(key, group);
			}
			group.bars.push({
				kind: seriesOf(run),
				server: run.server,
				values: [phase.latencyMs.p50, phase.latencyMs.p95, phase.latencyMs.p99, phase.deliveriesPerSecond],
			});
		}
	}
	return sorted(groups);
}

function joinGroups(results: Results): Group[] {
	const groups = new Map<string, Group>();
	for (const run of results.rooms) {
		const scenario = scenarioName(run);
		let group = groups.get(scenario);
		if (!group) {
			group = {
				lines: [scenario, `N=${count(run.join.joined)}`, `${run.join.concurrency} in flight`],
				bars: [],
			};
			groups.set(scenario, group);
		}
		group.bars.push({ kind: seriesOf(run), server: run.server, values: [run.join.perSecond] });
	}
	return sorted(groups);
}

/** Same order in every group: edgechat, then the floor, then the ceiling. */
function sorted(groups: Map<string, Group>): Group[] {
	for (const group of groups.values()) {
		group.bars.sort((a, b) => serverOrder.indexOf(a.kind) - serverOrder.indexOf(b.kind));
	}
	return [...groups.values()];
}

function panel(top: number, title: string, groups: Group[], scale: Scale): string {
	const parts: string[] = [text(margin.left, top - 12, title, 13, "bold")];
	const values = groups
		.flatMap((group) => group.bars.flatMap((bar) => bar.values))
		.filter((value) => value > 0);
	// A run of some scenarios (--only) may leave a panel empty; draw its axis all the same.
	if (values.length === 0) values.push(1);
	const y = scale.log ? logScale(values, top) : linearScale(values, top);
	for (const tick of y.ticks) {
		parts.push(line(margin.left, y.at(tick), width - margin.right, y.at(tick), "#e3e3e3"));
		parts.push(text(margin.left - 8, y.at(tick) + 4, scale.format(tick), 11, "normal", "#555", "end"));
	}
	const bottom = top + panelHeight;
	const groupWidth = (width - margin.left - margin.right) / Math.max(groups.length, 1);
	groups.forEach((group, index) => {
		const x0 = margin.left + index * groupWidth;
		const slot = Math.min((groupWidth - 20) / Math.max(group.bars.length, 1), maxSlot);
		const inset = (groupWidth - slot * group.bars.length) / 2;
		group.bars.forEach((bar, barIndex) => {
			const sub = (slot * 0.84) / bar.values.length;
			bar.values.forEach((value, step) => {
				const x = x0 + inset + barIndex * slot + slot * 0.08 + step * sub;
				const yTop = y.at(value);
				const opacity = bar.values.length === 1 ? 1 : (shades[step] ?? 1);
				parts.push(
					`<rect x="${x.toFixed(1)}" y="${yTop.toFixed(1)}" width="${(sub - 1.5).toFixed(1)}" height="${(bottom - yTop).toFixed(1)}" fill="${colors[bar.kind]}" fill-opacity="${opacity}"><title>${escapeXml(`${bar.server}, ${group.lines.join(", ")}: ${scale.format(value)}`)}</title></rect>`,
				);
			});
			const last = bar.values.at(-1) ?? 0;
			parts.push(
				text(
					x0 + inset + barIndex * slot + slot / 2,
					y.at(last) - 4,
					scale.format(last),
					10,
					"normal",
					"#333",
					"middle",
				),
			);
		});
		group.lines.forEach((content, lineIndex) => {
			parts.push(
				text(
					x0 + groupWidth / 2,
					bottom + 17 + lineIndex * 14,
					content,
					lineIndex === 0 ? 12 : 11,
					lineIndex === 0 ? "bold" : "normal",
					lineIndex === 0 ? "#222" : "#555",
					"middle",
				),
			);
		});
	});
	parts.push(line(margin.left, bottom, width - margin.right, bottom, "#999"));
	return parts.join("\n");
}

function logScale(values: number[], top: number): { at: (value: number) => number; ticks: number[] } {
	const low = 10 ** Math.floor(Math.log10(Math.max(Math.min(...values), 0.01)));
	const high = 10 ** Math.ceil(Math.log10(Math.max(...values, low * 10)));
	const ticks: number[] = [];
	for (let tick = low; tick <= high * 1.0001; tick *= 10) ticks.push(tick);
	const at = (value: number) =>
		top + panelHeight - (Math.log10(Math.max(value, low) / low) / Math.log10(high / low)) * panelHeight;
	return { at, ticks };
}

function linearScale(values: number[], top: number): { at: (value: number) => number; ticks: number[] } {
	const high = niceCeiling(Math.max(...values, 1));
	const ticks = [0, 1, 2, 3, 4, 5].map((step) => (high / 5) * step);
	return { at: (value: number) => top + panelHeight - (value / high) * panelHeight, ticks };
}

function legend(x: number, y: number, results: Results): string {
	const kinds = serverOrder.filter((kind) => results.rooms.some((run) => seriesOf(run) === kind));
	let offset = x;
	const items: string[] = [];
	for (const kind of kinds) {
		items.push(`<rect x="${offset}" y="${y - 10}" width="12" height="12" fill="${colors[kind]}"/>`);
		items.push(text(offset + 18, y, names[kind], 12, "normal", "#222"));
		offset += 34 + names[kind].length * 6.6;
	}
	items.push(
		text(
			offset + 10,
			y,
			"rooms are reached through wrangler dev, unless the scenario says direct",
			11,
			"normal",
			"#555",
		),
	);
	return items.join("\n");
}

function text(
	x: number,
	y: number,
	content: string,
	size: number,
	weight: string,
	fill = "#222",
	anchor = "start",
): string {
	return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${size}" font-weight="${weight}" fill="${fill}" text-anchor="${anchor}">${escapeXml(content)}</text>`;
}

function line(x1: number, y1: number, x2: number, y2: number, stroke: string): string {
	return `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="${stroke}" stroke-width="1"/>`;
}

function escapeXml(value: string): string {
	return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function count(value: number): string {
	return Math.round(value).toLocaleString("en-US");
}

function formatMs(value: number): string {
	if (value >= 1000) return `${(value / 1000).toFixed(value >= 10_000 ? 0 : 1)} s`;
	if (value >= 10) return `${Math.round(value)}`;
	return value >= 1 ? value.toFixed(1) : value.toFixed(2);
}

function formatCount(value: number): string {
	if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(1)}M`;
	if (value >= 1000) return `${(value / 1000).toFixed(value >= 10_000 ? 0 : 1)}k`;
	return String(Math.round(value));
}

function niceCeiling(value: number): number {
	const magnitude = 10 ** Math.floor(Math.log10(value));
	for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
	return 10 * magnitude;
}
