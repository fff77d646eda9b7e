import type { ServerKind } from "../servers/servers.ts";
import type { Results } from "./results.ts";

/**
 * docs/bench/chart.svg: per scenario and phase, fan-out latency (p50, p95, p99, log scale) and
 * deliveries per second, edgechat next to the bare Durable Object room and the Node ws server.
 * Plain SVG, no library: the figure must be reproducible from results.json alone.
 */

const colors: Record<ServerKind, string> = {
	edgechat: "#e8710a",
	"bare-room": "#3b6ea5",
	"node-ws": "#7d7d7d",
	"history-room": "#000000",
};
const names: Record<ServerKind, string> = {
	edgechat: "edgechat",
	"bare-room": "bare DO room (platform floor)",
	"node-ws": "Node ws (machine ceiling)",
	"history-room": "history room",
};
const percentiles = [
	{ key: "p50", opacity: 0.45 },
	{ key: "p95", opacity: 0.7 },
	{ key: "p99", opacity: 1 },
] as const;

interface Bar {
	kind: ServerKind;
	server: string;
	p50: number;
	p95: number;
	p99: number;
	deliveriesPerSecond: number;
}

interface Group {
	label: string;
	detail: string;
	bars: Bar[];
}

const width = 1180;
const panelHeight = 300;
const margin = { left: 80, right: 20 };
/** Widest a server's bars may be, so that a group of one does not fill its whole column. */
const maxSlot = 70;

export function renderChart(results: Results): string {
	const groups = groupsOf(results);
	const plotWidth = width - margin.left - margin.right;
	const groupWidth = plotWidth / Math.max(groups.length, 1);
	const latencyTop = 118;
	const throughputTop = latencyTop + panelHeight + 90;
	const height = throughputTop + panelHeight + 90;

	const parts: string[] = [];
	parts.push(
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
	);
	parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
	parts.push(
		text(
			margin.left,
			28,
			"edgechat: fan-out under load, against the platform floor and the machine's ceiling",
			17,
			"bold",
		),
	);
	parts.push(
		text(
			margin.left,
			48,
			`${results.meta.command} · ${results.meta.date.slice(0, 16).replace("T", " ")} UTC · ${results.meta.cores} cores (${results.meta.cpuModel}) · commit ${results.meta.gitCommit}`,
			12,
			"normal",
			"#555",
		),
	);
	parts.push(legend(margin.left, 76, results));

	// Latency, log scale.
	const latencies = groups.flatMap((group) => group.bars.flatMap((bar) => [bar.p50, bar.p95, bar.p99]));
	const low =
		10 ** Math.floor(Math.log10(Math.max(Math.min(...latencies.filter((value) => value > 0), 1), 0.01)));
	const high = 10 ** Math.ceil(Math.log10(Math.max(...latencies, low * 10)));
	const yLatency = (value: number) => {
		const clamped = Math.max(value, low);
		return latencyTop + panelHeight - (Math.log10(clamped / low) / Math.log10(high / low)) * panelHeight;
	};
	parts.push(
		text(
			margin.left,
			latencyTop - 12,
			"Fan-out latency, send to arrival at every client (ms, log scale): p50 · p95 · p99",
			13,
			"bold",
		),
	);
	for (let tick = low; tick <= high * 1.0001; tick *= 10) {
		const y = yLatency(tick);
		parts.push(line(margin.left, y, width - margin.right, y, "#e3e3e3"));
		parts.push(text(margin.left - 8, y + 4, formatMs(tick), 11, "normal", "#555", "end"));
	}
	groups.forEach((group, index) => {
		const x0 = margin.left + index * groupWidth;
		const slot = Math.min((groupWidth - 24) / Math.max(group.bars.length, 1), maxSlot);
		const inset = (groupWidth - 24 - slot * group.bars.length) / 2;
		group.bars.forEach((bar, barIndex) => {
			const thin = slot / 3.4;
			percentiles.forEach((percentile, step) => {
				const value = bar[percentile.key];
				const x = x0 + 12 + inset + barIndex * slot + step * thin + slot * 0.05;
				const y = yLatency(value);
				parts.push(
					`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(thin - 2).toFixed(1)}" height="${(latencyTop + panelHeight - y).toFixed(1)}" fill="${colors[bar.kind]}" fill-opacity="${percentile.opacity}"><title>${escapeXml(`${bar.server}, ${group.label}: ${percentile.key} ${value.toFixed(1)} ms`)}</title></rect>`,
				);
			});
			const labelX = x0 + 12 + inset + barIndex * slot + slot * 0.5;
			parts.push(text(labelX, yLatency(bar.p99) - 4, formatMs(bar.p99), 10, "normal", "#333", "middle"));
		});
		parts.push(
			text(x0 + groupWidth / 2, latencyTop + panelHeight + 18, group.label, 12, "bold", "#222", "middle"),
		);
		parts.push(
			text(x0 + groupWidth / 2, latencyTop + panelHeight + 33, group.detail, 11, "normal", "#555", "middle"),
		);
	});
	parts.push(
		line(margin.left, latencyTop + panelHeight, width - margin.right, latencyTop + panelHeight, "#999"),
	);

	// Throughput, linear scale.
	const peak = Math.max(...groups.flatMap((group) => group.bars.map((bar) => bar.deliveriesPerSecond)), 1);
	const top = niceCeiling(peak);
	const yRate = (value: number) => throughputTop + panelHeight - (value / top) * panelHeight;
	parts.push(
		text(
			margin.left,
			throughputTop - 12,
			"Deliveries per second (one message reaching one client)",
			13,
			"bold",
		),
	);
	for (let step = 0; step <= 5; step++) {
		const value = (top / 5) * step;
		const y = yRate(value);
		parts.push(line(margin.left, y, width - margin.right, y, "#e3e3e3"));
		parts.push(text(margin.left - 8, y + 4, formatCount(value), 11, "normal", "#555", "end"));
	}
	groups.forEach((group, index) => {
		const x0 = margin.left + index * groupWidth;
		const slot = Math.min((groupWidth - 24) / Math.max(group.bars.length, 1), maxSlot);
		const inset = (groupWidth - 24 - slot * group.bars.length) / 2;
		group.bars.forEach((bar, barIndex) => {
			const x = x0 + 12 + inset + barIndex * slot + slot * 0.12;
			const y = yRate(bar.deliveriesPerSecond);
			parts.push(
				`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(slot * 0.76).toFixed(1)}" height="${(throughputTop + panelHeight - y).toFixed(1)}" fill="${colors[bar.kind]}"><title>${escapeXml(`${bar.server}, ${group.label}: ${Math.round(bar.deliveriesPerSecond)} deliveries/s`)}</title></rect>`,
			);
			parts.push(
				text(x + slot * 0.38, y - 4, formatCount(bar.deliveriesPerSecond), 10, "normal", "#333", "middle"),
			);
		});
		parts.push(
			text(x0 + groupWidth / 2, throughputTop + panelHeight + 18, group.label, 12, "bold", "#222", "middle"),
		);
		parts.push(
			text(
				x0 + groupWidth / 2,
				throughputTop + panelHeight + 33,
				group.detail,
				11,
				"normal",
				"#555",
				"middle",
			),
		);
	});
	parts.push(
		line(margin.left, throughputTop + panelHeight, width - margin.right, throughputTop + panelHeight, "#999"),
	);
	parts.push(
		text(
			margin.left,
			height - 18,
			"Paced phases offer a fixed rate (latency is the figure); saturated phases offer more than any server here delivers (throughput is the figure). Figures: docs/bench/results.json",
			11,
			"normal",
			"#555",
		),
	);
	parts.push("</svg>");
	return `${parts.join("\n")}\n`;
}

function groupsOf(results: Results): Group[] {
	const groups = new Map<string, Group>();
	for (const run of results.rooms) {
		for (const phase of run.phases) {
			const key = `${run.scenario} ${phase.name}`;
			let group = groups.get(key);
			if (!group) {
				group = {
					label: key,
					detail: `N=${phase.clients.toLocaleString("en-US")}, ${phase.senders} sender${phase.senders > 1 ? "s" : ""}, ${phase.offeredPerSecond} msg/s offered`,
					bars: [],
				};
				groups.set(key, group);
			}
			group.bars.push({
				kind: run.kind,
				server: run.server,
				p50: phase.latencyMs.p50,
				p95: phase.latencyMs.p95,
				p99: phase.latencyMs.p99,
				deliveriesPerSecond: phase.deliveriesPerSecond,
			});
		}
	}
	// Same order in every group: edgechat, then the floor, then the ceiling.
	const order: ServerKind[] = ["edgechat", "bare-room", "node-ws"];
	for (const group of groups.values())
		group.bars.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
	return [...groups.values()];
}

function legend(x: number, y: number, results: Results): string {
	const kinds = (["edgechat", "bare-room", "node-ws"] as const).filter((kind) =>
		results.rooms.some((run) => run.kind === kind),
	);
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
			"group labels say how clients reach the server: wrangler dev unless marked direct",
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
