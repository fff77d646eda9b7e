import { version } from "../../package.json";
import { minimumSecretLength } from "../auth/tokens";

export interface Health {
	ok: true;
	/** The package.json version this bundle was built from. */
	version: string;
	/** False means token requests answer 500 `server_misconfigured` until `TOKEN_SECRET` is set. */
	tokenSecretConfigured: boolean;
}

/** What `GET /api/health` reports: enough for a deploy check to tell a misconfigured Worker. */
export function health(env: Pick<Env, "TOKEN_SECRET">): Health {
	const secret: string | undefined = env.TOKEN_SECRET;
	return { ok: true, version, tokenSecretConfigured: (secret?.length ?? 0) >= minimumSecretLength };
}
