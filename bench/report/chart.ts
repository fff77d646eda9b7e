import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { ServerKind } from "../servers/servers.ts";
import { type Results, scenarioName } from "./results.ts";

/**
 * docs/bench/chart.svg: per scenario and phase, fan-out latency (p50, p95, p99, log scale) and
 * deliveries per second, then joins per second per room; edgechat next to the bare Durable Object
 * room and the Node ws server. A Vega-Lite spec drawn from results.json alone, rendered to SVG by
 * Vega in Node (no canvas, no browser).
 */

/** A server in the chart: its kind, and edgechat without its static-assets router apart. */
type Series = ServerKind | "edgechat-api-only" | "edgechat-spread";

/** Every series in the order of its bars in a group, with its name and colour. */
const series: [Series, string, string][] = [
	["edgechat", "edgechat", "#e8710a"],
	["edgechat-api-only", "edgechat, API only (no assets router)", "#f6b26b"],
	["edgechat-spread", "edgechat, chat spread over several objects", "#a64d00"],
	["bare-room", "bare DO room (platform floor)", "#3b6ea5"],
	["bare-room-stored", "bare DO room + SQLite write per frame", "#8fb3d9"],
	["bare-room-greeting", "bare DO room + greeting frame", "#5b8db8"],
	["bare-room-presence", "bare DO room + presence frames", "#2f5f8f"],
	["node-ws", "Node ws (machine ceiling)", "#7d7d7d"],
	["history-room", "history room", "#000000"],
];

function seriesOf(run: { kind: ServerKind; apiOnly?: boolean; objects?: number }): number {
	let kind: Series = run.apiOnly ? "edgechat-api-only" : run.kind;
	if (run.objects !== undefined && run.objects > 1) kind = "edgechat-spread";
	return series.findIndex(([name]) => name === kind);
}

/** One bar: `group` is its x-axis label (lines apart by "\n"), `bar` its place in the group. */
interface Bar {
	group: string;
	bar: string;
	server: string;
	value: number;
	/** Opacity: p50, p95 and p99 of a server from light to full; one bar is full. */
	shade: number;
	/** The figure written above the bar: the p99 of a server's three, or its one bar's. */
	top: string;
	/** What the bar shows, in words (the SVG's aria-label). */
	description: string;
}

/** A view inside the chart's column of panels. */
type Panel = Extract<TopLevelSpec, { vconcat: unknown }>["vconcat"][number];

const ms = "datum.value >= 1000 ? format(datum.value / 1000, '~r') + ' s' : format(datum.value, '~r')";
const counts = "format(datum.value, '~s')";

export async function renderChart(results: Results): Promise<string> {
	const latency: Bar[] = [];
	const deliveries: Bar[] = [];
	const joins: Bar[] = [];
	// A group is labelled after its first run, and groups keep the order the run measured them in.
	const labels = new Map<string, string>();
	const group = (key: string, lines: string[]) =>
		labels.get(key) ?? labels.set(key, lines.join("\n")).get(key) ?? "";
	for (const run of results.rooms) {
		const scenario = scenarioName(run);
		const index = seriesOf(run);
		const bar = (group: string, value: number, label: string, step?: string): Bar => ({
			group,
			bar: `${index} ${step ?? ""}`,
			server: series[index]?.[1] ?? run.kind,
			value,
			shade: step === "p50" ? 0.45 : step === "p95" ? 0.7 : 1,
			top: step === undefined || step === "p99" ? label : "",
			description: `${run.server}, ${group.replaceAll("\n", ", ")}${step ? ` ${step}` : ""}: ${label}`,
		});
		for (const phase of run.phases) {
			const senders = `${phase.senders} sender${phase.senders > 1 ? "s" : ""}`;
			const lines = [
				scenario,
				`${phase.name} · N=${phase.clients.toLocaleString("en-US")}`,
				`${senders} · ${phase.offeredPerSecond} msg/s`,
			];
			const at = group(`${scenario} ${phase.name}`, lines);
			for (const step of ["p50", "p95", "p99"] as const) {
				latency.push(bar(at, phase.latencyMs[step], formatMs(phase.latencyMs[step]), step));
			}
			deliveries.push(bar(at, phase.deliveriesPerSecond, formatCount(phase.deliveriesPerSecond)));
		}
		const at = group(scenario, [
			scenario,
			`N=${run.join.joined.toLocaleString("en-US")}`,
			`${run.join.concurrency} in flight`,
		]);
		joins.push(bar(at, run.join.perSecond, formatCount(run.join.perSecond)));
	}
	const groups = (bars: Bar[]) => new Set(bars.map((bar) => bar.group)).size;
	const width = Math.max(1180, 155 * Math.max(groups(latency), groups(joins)));
	const when = results.meta.date.slice(0, 16).replace("T", " ");
	const heading = "edgechat under load, against the platform floor and the machine's ceiling";
	const spec: TopLevelSpec = {
		description: `${heading}: fan-out latency percentiles, deliveries per second and joins per second per scenario, in one run of npm run bench.`,
		background: "#ffffff",
		padding: 20,
		title: {
			text: heading,
			subtitle: [
				`${results.meta.command} · ${when} UTC · ${results.meta.cores} cores (${results.meta.cpuModel}) · commit ${results.meta.gitCommit}`,
				"Rooms are reached through wrangler dev, unless the scenario says direct. All figures: docs/bench/results.json",
				"Paced phases offer a fixed rate (latency is the figure); saturated phases offer more than any server here delivers (throughput is the figure).",
			],
			anchor: "start",
			fontSize: 17,
			subtitleColor: "#555",
			offset: 12,
		},
		vconcat: [
			panel(
				"Fan-out latency, send to arrival at every client (ms, log scale): p50 · p95 · p99",
				latency,
				"log",
				ms,
				width,
			),
			panel("Deliveries per second (one message reaching one client)", deliveries, "linear", counts, width),
			panel(
				"Joins per second while filling the room (log scale; edgechat: token, upgrade, ready)",
				joins,
				"log",
				counts,
				width,
			),
		],
		spacing: 40,
		// Each panel's bars share out its own groups: three per server for latency, one elsewhere.
		resolve: { scale: { xOffset: "independent" } },
		config: {
			font: "system-ui, -apple-system, Segoe UI, sans-serif",
			view: { stroke: null },
			title: { anchor: "start", fontSize: 13 },
			axis: { title: null, labelColor: "#555", gridColor: "#e3e3e3", domainColor: "#999", tickColor: "#999" },
			axisX: { labelAngle: 0, labelLimit: 0, labelLineHeight: 14, ticks: false, labelPadding: 6 },
			legend: {
				title: null,
				orient: "top",
				columns: 4,
				labelFontSize: 12,
				symbolType: "square",
				labelLimit: 0,
			},
		},
	};
	const view = new View(parse(compile(spec).spec), { renderer: "none" });
	const svg = await view.toSVG();
	view.finalize();
	return `${svg}\n`;
}

/** One panel: a bar per server (three for latency, shaded p50 to p99) in each group, its figure on top. */
function panel(title: string, bars: Bar[], scale: "log" | "linear", format: string, width: number): Panel {
	const values = bars.map((bar) => bar.value).filter((value) => value > 0);
	// A run of some scenarios (--only) may leave a panel empty; it gets its axis all the same.
	if (values.length === 0) values.push(1);
	// Log panels span whole decades, from the one below the smallest figure to the one above the largest.
	const low = 10 ** Math.floor(Math.log10(Math.max(Math.min(...values), 0.01)));
	const high = 10 ** Math.ceil(Math.log10(Math.max(...values, low * 10)));
	const present = series.filter(([, name]) => bars.some((bar) => bar.server === name));
	const decades: number[] = [];
	for (let tick = low; tick <= high * 1.0001; tick *= 10) decades.push(tick);
	return {
		title,
		width,
		height: 250,
		data: { values: bars },
		encoding: {
			x: { field: "group", type: "nominal", sort: null, axis: { labelExpr: "split(datum.label, '\\n')" } },
			xOffset: { field: "bar", type: "nominal", sort: "ascending" },
			y: {
				field: "value",
				type: "quantitative",
				scale: scale === "log" ? { type: "log", domain: [low, high], clamp: true, nice: false } : {},
				axis: { labelExpr: format, ...(scale === "log" && { values: decades }) },
			},
		},
		layer: [
			{
				mark: "bar",
				encoding: {
					color: {
						field: "server",
						type: "nominal",
						scale: { domain: present.map(([, name]) => name), range: present.map(([, , color]) => color) },
					},
					opacity: { field: "shade", type: "quantitative", scale: null },
					description: { field: "description" },
				},
			},
			{ mark: { type: "text", dy: -6, fontSize: 10, color: "#333" }, encoding: { text: { field: "top" } } },
		],
	};
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
