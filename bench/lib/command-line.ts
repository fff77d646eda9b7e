import { type ParseArgsConfig, parseArgs } from "node:util";

/**
 * `parseArgs` for a script people run: `--help` (or `-h`) prints the usage and exits 0, and an
 * unknown or malformed option is refused in a sentence and the usage, with exit code 2, instead
 * of the stack trace `parseArgs` throws.
 */
export function parseCommandLine<T extends ParseArgsConfig>(
	usage: string,
	config: T,
): ReturnType<typeof parseArgs<T>> {
	const args = config.args ?? process.argv.slice(2);
	if (args.includes("--help") || args.includes("-h")) {
		process.stdout.write(`${usage.trim()}\n`);
		process.exit(0);
	}
	try {
		return parseArgs(config);
	} catch (error) {
		if (!isParseArgsError(error)) throw error;
		process.stderr.write(`${error.message}\n\n${usage.trim()}\n`);
		process.exit(2);
	}
}

/** parseArgs's own refusals (ERR_PARSE_ARGS_UNKNOWN_OPTION and its siblings). */
function isParseArgsError(error: unknown): error is Error {
	return (
		error instanceof Error &&
		"code" in error &&
		typeof error.code === "string" &&
		error.code.startsWith("ERR_PARSE_ARGS_")
	);
}
