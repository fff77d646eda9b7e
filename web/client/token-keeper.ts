import type { IssuedToken } from "../../worker/protocol/index.ts";
import type { ChatClientOptions } from "./client-types.ts";
import { ApiError, type ChatApi } from "./http-api.ts";
import { fitsSubprotocol, nameOffer, tokenOffer } from "./socket-offer.ts";

/** A token fit to connect with, and whether it is new (to persist). */
export interface EnsuredToken {
	token: IssuedToken;
	issued: boolean;
	/**
	 * The previous token's session was over (its refresh answered 401: too old, or signed with a
	 * rotated secret), so this token begins a new session, under a new user id; `reason` is the server's.
	 */
	newSession?: { previous: IssuedToken; reason: string };
}

/** The subprotocols the next socket offers, and the token behind them when it has one. */
export interface SocketOffer extends Partial<EnsuredToken> {
	protocols: string[];
}

/** How long before its expiry a token is refreshed rather than used. */
const refreshMarginMs = 60_000;

/**
 * The join token of one chat. A token that is about to expire, that the server seems to have
 * refused, or that names someone else is exchanged for a new one with the previous token as
 * Bearer, so the user keeps the same id (and counts once in presence across tabs and visits).
 * A first visit has no token to offer: its socket carries the name and key instead, and `ready`
 * brings the token (`adopt`), one request where asking for a token first takes two.
 */
export class TokenKeeper {
	#current: IssuedToken | null;
	#stale = false;
	/** The socket now opening offers the name, not a token. */
	#offeredName = false;
	/** A socket that offered the name closed before `ready`: ask for a token, which says why. */
	#nameRefused = false;
	readonly #api: ChatApi;
	readonly #chatId: string;
	#name: string;
	readonly #key: string | undefined;

	/** `options`: the client's chat, name (trimmed here), key (an empty one is none) and saved token. */
	constructor(api: ChatApi, options: Pick<ChatClientOptions, "chatId" | "name" | "key" | "token">) {
		this.#api = api;
		this.#chatId = options.chatId;
		this.#name = options.name.trim();
		this.#key = options.key || undefined;
		this.#current = options.token ?? null;
	}

	get current(): IssuedToken | null {
		return this.#current;
	}

	/** Returns whether the name changed; the next offer then refreshes the token. */
	rename(name: string): boolean {
		if (name === this.#name) return false;
		this.#name = name;
		return true;
	}

	/** What the next socket offers: a first visit's name and key, or a token fit to connect with. */
	async offer(): Promise<SocketOffer> {
		const key = this.#key;
		this.#offeredName =
			this.#current === null && !this.#nameRefused && (key === undefined || fitsSubprotocol(key));
		if (this.#offeredName) return { protocols: nameOffer(this.#name, key) };
		const ensured = await this.#ensure();
		return { ...ensured, protocols: tokenOffer(ensured.token.token) };
	}

	/** The token a socket that offered the name was issued (`ready.token`). */
	adopt(issued: IssuedToken): void {
		this.#keep(issued);
	}

	/**
	 * The socket closed before `ready`: a refused upgrade (a wrong key, an expired token) looks just
	 * like that to a client. Returns true when the next attempt should come at once: it asks for a
	 * token in its own request, whose answer says why the name was refused.
	 */
	refused(): boolean {
		if (!this.#offeredName) {
			this.#stale = true;
			return false;
		}
		this.#offeredName = false;
		this.#nameRefused = true;
		return true;
	}

	/** A token fit to connect with: the current one, a refresh of it, or the first of a new session. */
	async #ensure(): Promise<EnsuredToken> {
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
		this.#offeredName = false;
		return { token: issued, issued: true };
	}
}
