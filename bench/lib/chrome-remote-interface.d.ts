/**
 * The part of chrome-remote-interface that lib/inspector.ts uses. Its DefinitelyTyped types
 * accept only the method names of the Chrome protocol version they pin, and type the answers
 * after Chrome's; workerd's inspector answers with fields of its own (Runtime.getHeapUsage's
 * embedderHeapUsedSize), so the bench reads every answer as unknown and checks it.
 */
declare module "chrome-remote-interface" {
	namespace CDP {
		interface Target {
			id: string;
			webSocketDebuggerUrl?: string;
		}
		interface Options {
			host?: string;
			port?: number;
			/** Use the protocol description the package ships instead of fetching /json/protocol. */
			local?: boolean;
			target?: (targets: Target[]) => Target | number;
		}
		interface Client {
			send(method: string, params?: object): Promise<unknown>;
			on(event: string, listener: (params: unknown) => void): void;
			close(): Promise<void>;
		}
	}
	function CDP(options: CDP.Options): Promise<CDP.Client>;
	export default CDP;
}
