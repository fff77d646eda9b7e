/** A token bucket: `capacity` messages at once, refilled evenly over `windowMs`. */
export interface Bucket {
	tokens: number;
	updatedAt: number;
}

export interface RateLimit {
	capacity: number;
	windowMs: number;
}

export type TakeResult =
	| { allowed: true; bucket: Bucket }
	| { allowed: false; bucket: Bucket; retryAfterMs: number };

export function takeToken(bucket: Bucket | undefined, limit: RateLimit, now: number): TakeResult {
	const refillPerMs = limit.capacity / limit.windowMs;
	const elapsed = bucket ? Math.max(0, now - bucket.updatedAt) : 0;
	const tokens = bucket ? Math.min(limit.capacity, bucket.tokens + elapsed * refillPerMs) : limit.capacity;
	if (tokens >= 1) return { allowed: true, bucket: { tokens: tokens - 1, updatedAt: now } };
	return {
		allowed: false,
		bucket: { tokens, updatedAt: now },
		retryAfterMs: Math.ceil((1 - tokens) / refillPerMs),
	};
}

/** Per-user buckets of one room. Users with several sockets (or HTTP and a socket) share one. */
export class RateLimiter {
	private readonly buckets = new Map<string, Bucket>();

	constructor(private readonly limit: RateLimit) {}

	/** `saved` seeds a user's bucket after the room woke from hibernation with empty memory. */
	take(userId: string, now: number, saved?: Bucket): TakeResult {
		const result = takeToken(this.buckets.get(userId) ?? saved, this.limit, now);
		this.buckets.set(userId, result.bucket);
		return result;
	}
}
