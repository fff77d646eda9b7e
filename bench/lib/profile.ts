/** A V8 CPU profile as the inspector returns it (Profiler.stop), the parts the bench reads. */
export interface CallFrame {
	functionName: string;
	url: string;
	lineNumber: number;
}

export interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	children?: number[];
}

export interface Profile {
	nodes: ProfileNode[];
	samples: number[];
	/** Microseconds before each sample (V8 sends them; older profiles may lack them). */
	timeDeltas?: number[];
}
