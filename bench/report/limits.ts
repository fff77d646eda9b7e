import type { CpuFigures } from "./results.ts";

/** A thread this busy (in cores) is the bottleneck: it cannot go faster by more than a few percent. */
const saturatedThread = 0.85;

/**
 * What most likely held a figure back, from where the CPU went meanwhile: one saturated thread
 * (the Durable Object's isolate runs on one), the generator, or the whole machine (2 cores shared
 * by server, generator and anything else). If nothing was saturated and the offered load was met,
 * the figure shows the server with headroom; if it was not met, something waited rather than worked.
 */
export function limitOf(cpu: CpuFigures, cores: number, keptUp: boolean): string {
	const total = cpu.serverCores + cpu.generatorCores + cpu.otherCores;
	if (cpu.serverHottestThread.cores >= saturatedThread)
		return `server thread ${cpu.serverHottestThread.name}`;
	if (cpu.generatorHottestThread.cores >= saturatedThread) return "generator thread";
	if (total >= cores * saturatedThread) {
		const other = cpu.otherCores >= 0.2 ? `, other work ${cpu.otherCores.toFixed(2)}` : "";
		return `all ${cores} cores (server ${cpu.serverCores.toFixed(2)}, generator ${cpu.generatorCores.toFixed(2)}${other})`;
	}
	return keptUp ? "offered load (headroom left)" : "waiting, not CPU (no thread or core saturated)";
}
