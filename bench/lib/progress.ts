/**
 * One progress line on stderr while the bench runs. On a terminal it is rewritten in place a few
 * times a second; in a log (CI, a pipe) a line is written every few seconds instead.
 */
export class Progress {
	private readonly tty = process.stderr.isTTY === true;
	private readonly started = performance.now();
	private lastWrite = 0;
	private shown = "";

	update(text: string): void {
		const now = performance.now();
		if (now - this.lastWrite < (this.tty ? 200 : 5000)) return;
		this.lastWrite = now;
		this.write(text);
	}

	/** A permanent line (a finished step), then the progress line goes on below it. */
	log(text: string): void {
		this.clear();
		process.stderr.write(`${this.stamp()} ${text}\n`);
		this.lastWrite = 0;
	}

	clear(): void {
		if (this.tty && this.shown) process.stderr.write(`\r${" ".repeat(this.shown.length)}\r`);
		this.shown = "";
	}

	private write(text: string): void {
		const line = `${this.stamp()} ${text}`;
		if (this.tty) {
			const width = (process.stderr.columns ?? 120) - 1;
			const fitted = line.length > width ? line.slice(0, width) : line;
			process.stderr.write(`\r${fitted}${" ".repeat(Math.max(0, this.shown.length - fitted.length))}`);
			this.shown = fitted;
		} else {
			process.stderr.write(`${line}\n`);
		}
	}

	private stamp(): string {
		const seconds = Math.floor((performance.now() - this.started) / 1000);
		return `[${String(Math.floor(seconds / 60)).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}]`;
	}
}
