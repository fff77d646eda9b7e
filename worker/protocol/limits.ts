/** Bounds of the public contract, shared by the Worker, the browser client and the tests. */
export const limits = {
	/** Message text, counted in characters (code points) after trimming. */
	textMax: 4000,
	/** A WebSocket frame larger than this (UTF-8 bytes) is refused with `too_large`. */
	frameBytesMax: 16 * 1024,
	userNameMax: 32,
	chatNameMax: 80,
	clientIdMax: 64,
	historyPageMax: 200,
	historyPageDefault: 50,
	/** Stored messages replayed on reconnect (`since`); older missed ones are paged over HTTP. */
	replayMax: 1000,
	/** Users listed by name in `ready`; `onlineCount` is always exact. */
	onlineListMax: 100,
	/**
	 * Joins (and leaves) named in one presence frame. Every frame goes to every socket, so naming
	 * all of a storm's joiners costs O(N^2) bytes; past this many, they are counted instead.
	 */
	presenceListMax: 100,
	/**
	 * The same, while more than `onlineListMax` users are online. No client of such a room holds
	 * the whole list, so the names are a sample of who came and went, and a short one keeps every
	 * frame to every socket small.
	 */
	presenceSampleMax: 10,
	/** Users listed by `GET /api/chats/:id/presence`; its `count` is always exact. */
	presenceApiMax: 1000,
	/** A reaction is one grapheme cluster of at most this many UTF-8 bytes. */
	emojiBytesMax: 32,
	/** Distinct reactions one message may carry. */
	reactionsPerMessageMax: 20,
	/** A reply carries the first this many characters (code points) of the message it answers. */
	replyQuoteMax: 120,
	/** Users one message may mention. */
	mentionsMax: 20,
	/** A search's text, in characters (code points). */
	searchTextMax: 200,
	searchPageMax: 100,
	searchPageDefault: 20,
	/** An uploaded file (an image), in bytes: 5 MiB. */
	fileBytesMax: 5 * 1024 * 1024,
	/** Files one message may carry. */
	attachmentsMax: 4,
	/** Uploads one user may make to one chat in a minute (counted by the chat). */
	uploadsPerMinute: 10,
	/** A file no message carries this long after its upload is deleted (ms): an hour. */
	unattachedFileMs: 60 * 60 * 1000,
} as const;
