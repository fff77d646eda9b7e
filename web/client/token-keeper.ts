import type { IssuedToken } from "../../worker/protocol/index.ts";
import { ApiError, type ChatApi } from "./http-api.ts";

/** What `ensure()` found: a token fit to connect with, and whether it is new (to persist). */
export interface EnsuredToken {
	token: IssuedToken;
	issued: boolean;
	/**
	 * The previous token's session was over (its refresh answered 401: too old, or signed with a
	 * rotated secret), so this token begins a new session, under a new user id; `reason` is the server's.
	 */
	newSession?: { previous: IssuedToken; reason: string };
}

/** How long before its expiry a token is refreshed rather than used. */
const refreshMarginMs = 60_000;

/**
 * The join token of one chat. A token that is about to expire, that the server seems to have
 * refused, or that names someone else is exchanged for a new one with the previous token as
 * Bearer, so the user keeps the same id (and counts once in presence across tabs and visits).
 */
export class TokenKeeper {
	#current: IssuedToken | null;
	#stale = false;
	readonly #api: ChatApi;
	readonly #chatId: string;
	#name: string;
	readonly #key: string | undefined;

	constructor(
		api: ChatApi,
		chatId: string,
		name: string,
		key: string | undefined,
		initial?: IssuedToken | null,
	) {
		this.#api = api;
		this.#chatId = chatId;
		this.#name = name;
		this.#key = key;
		this.#current = initial ?? null;
	}

	get current(): IssuedToken | null {
		return this.#current;
	}

	/** Returns whether the name changed; the next `ensure()` then refreshes the token. */
	rename(name: string): boolean {
		if (name === this.#name) return false;
		this.#name = name;
		return true;
	}

	/** The socket closed before `ready`: a refused upgrade (401) looks just like that to a client. */
	markStale(): void {
		this.#stale = true;
	}

	/** A token fit to connect with: the current one, a refresh of it, or the first of a new session. */
	async ensure(): Promise<EnsuredToken> {
		const current = this.#current;
		const usable =
			current !== null &&
			!this.#stale &&
			current.user.name === this.#name &&
			current.expiresAt - Date.now() > refreshMarginMs;
		if (usable) return { token: current, issued: false };
		const request = this.#key ? { name: this.#name, key: this.#key } : { name: this.#name };
		if (!current) return this.#keep(await this.#api.issueToken(this.#chatId, request));
		try {
			return this.#keep(await this.#api.issueToken(this.#chatId, request, current.token));
		} catch (error) {
			// Too old to vouch for the identity (or signed with a rotated secret): start afresh, without it.
			if (!(error instanceof ApiError && error.status === 401)) throw error;
			const issued = await this.#api.issueToken(this.#chatId, request);
			return { ...this.#keep(issued), newSession: { previous: current, reason: error.message } };
		}
	}

	#keep(issued: IssuedToken): EnsuredToken {
		this.#current = issued;
		this.#stale = false;
		return { token: issued, issued: true };
	}
}
