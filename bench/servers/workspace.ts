/** Where a bench run keeps its files: the repository it runs from and a temporary directory of its own. */
export interface Workspace {
	repoRoot: string;
	/** Temporary directory of this run: logs, persisted state, bundles. */
	dir: string;
}
