import type { InspectorSession } from "../lib/inspector.ts";
import { processTree, sampleTree } from "../lib/proc.ts";
import type { SoakCounters } from "./member.ts";

/** One point of the soak's time series. */
export interface SoakSample {
	/** Seconds since the mix began. */
	atSeconds: number;
	/** Resident memory of the runtime's workerd process(es), and of the whole server tree. */
	workerdRssBytes: number;
	treeRssBytes: number;
	/** The Worker isolate's heap (V8's used size, garbage not yet collected included), or null. */
	heapUsedBytes: number | null;
	heapCommittedBytes: number | null;
	/** Bytes of the runtime's own objects that JavaScript holds (sockets and their attachments). */
	embedderBytes: number | null;
	/** Server CPU since the previous sample, in cores. */
	serverCores: number;
	sockets: number;
	counters: Omit<SoakCounters, "errors"> & { errors: number; historyReads: number };
}

export interface SampleSource {
	serverPid: number;
	inspector: InspectorSession | null;
	counters: SoakCounters;
	sockets: () => number;
	historyReads: () => number;
}

/** Takes a sample every `everyMs` until stopped; each one reads /proc and asks the inspector. */
export class Sampler {
	readonly samples: SoakSample[] = [];
	private timer: ReturnType<typeof setInterval> | null = null;
	private lastCpu: { at: number; seconds: number } | null = null;
	private readonly started = performance.now();

	private readonly source: SampleSource;
	private readonly onSample: (sample: SoakSample) => void;

	constructor(source: SampleSource, onSample: (sample: SoakSample) => void) {
		this.source = source;
		this.onSample = onSample;
	}

	start(everyMs: number): Promise<void> {
		this.timer = setInterval(() => void this.take(), everyMs);
		return this.take();
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
	}

	async take(): Promise<void> {
		const tree = sampleTree(processTree(this.source.serverPid));
		let workerd = 0;
		for (const process of tree.byPid.values())
			if (process.name.startsWith("workerd")) workerd += process.rssBytes;
		const cpu = { at: tree.at, seconds: tree.cpuSeconds };
		const cores = this.lastCpu
			? (cpu.seconds - this.lastCpu.seconds) / ((cpu.at - this.lastCpu.at) / 1000)
			: 0;
		this.lastCpu = cpu;
		let heap: Awaited<ReturnType<InspectorSession["heapUsage"]>> | null = null;
		try {
			heap = (await this.source.inspector?.heapUsage()) ?? null;
		} catch {
			heap = null;
		}
		const { errors, ...counts } = this.source.counters;
		const sample: SoakSample = {
			atSeconds: (tree.at - this.started) / 1000,
			workerdRssBytes: workerd,
			treeRssBytes: tree.rssBytes,
			heapUsedBytes: heap?.jsBytes ?? null,
			heapCommittedBytes: heap?.committedBytes ?? null,
			embedderBytes: heap?.embedderBytes ?? null,
			serverCores: cores,
			sockets: this.source.sockets(),
			counters: {
				...counts,
				errors: Object.values(errors).reduce((sum, count) => sum + count, 0),
				historyReads: this.source.historyReads(),
			},
		};
		this.samples.push(sample);
		this.onSample(sample);
	}
}

export interface Growth {
	/** Least-squares slope, bytes per hour, over the samples after the warm-up. */
	perHourBytes: number;
	/** What the fitted line gains over those samples, and their mean. */
	fittedChangeBytes: number;
	meanBytes: number;
	/** Spread of the samples around the line (standard deviation of the residuals). */
	residualBytes: number;
	/** The fitted change is within twice the residual spread, or under 1% of the mean. */
	flat: boolean;
	samples: number;
	fromSeconds: number;
}

/**
 * Fits bytes against time. The first `warmupShare` of the run is left out: the runtime starts its
 * objects, compiles and fills its caches then, which is start-up, not growth.
 */
export function fitGrowth(points: { atSeconds: number; bytes: number }[], warmupShare = 0.2): Growth | null {
	const end = points.at(-1)?.atSeconds ?? 0;
	const used = points.filter((point) => point.atSeconds >= end * warmupShare);
	if (used.length < 3) return null;
	const n = used.length;
	const meanT = used.reduce((sum, point) => sum + point.atSeconds, 0) / n;
	const meanB = used.reduce((sum, point) => sum + point.bytes, 0) / n;
	let covariance = 0;
	let variance = 0;
	for (const point of used) {
		covariance += (point.atSeconds - meanT) * (point.bytes - meanB);
		variance += (point.atSeconds - meanT) ** 2;
	}
	const slope = variance > 0 ? covariance / variance : 0;
	const residuals = used.map((point) => point.bytes - (meanB + slope * (point.atSeconds - meanT)));
	const residualBytes = Math.sqrt(residuals.reduce((sum, r) => sum + r * r, 0) / n);
	const span = (used.at(-1)?.atSeconds ?? 0) - (used[0]?.atSeconds ?? 0);
	const fittedChangeBytes = slope * span;
	return {
		perHourBytes: slope * 3600,
		fittedChangeBytes,
		meanBytes: meanB,
		residualBytes,
		flat: Math.abs(fittedChangeBytes) <= Math.max(2 * residualBytes, 0.01 * meanB),
		samples: n,
		fromSeconds: used[0]?.atSeconds ?? 0,
	};
}

/** The fits of a run's samples: the runtime's RSS, the server tree's, the isolate's heap, and native memory. */
export function growthOf(samples: readonly SoakSample[]) {
	const points = (read: (sample: SoakSample) => number | null) =>
		samples.flatMap((sample) => {
			const bytes = read(sample);
			return bytes === null ? [] : [{ atSeconds: sample.atSeconds, bytes }];
		});
	const outsideHeap = points((sample) =>
		sample.heapCommittedBytes === null ? null : sample.workerdRssBytes - sample.heapCommittedBytes,
	);
	return {
		workerdRss: fitGrowth(points((sample) => sample.workerdRssBytes)),
		treeRss: fitGrowth(points((sample) => sample.treeRssBytes)),
		heapUsed: fitGrowth(points((sample) => sample.heapUsedBytes)),
		// What V8 has not reserved for the heap: the runtime's native memory.
		outsideHeap: fitGrowth(outsideHeap),
		// A short run is still warming up in its first minutes: its second half says more.
		outsideHeapSecondHalf: fitGrowth(outsideHeap, 0.5),
	};
}
