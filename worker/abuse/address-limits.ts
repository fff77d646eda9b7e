import { DurableObject } from "cloudflare:workers";
import { type Bucket, takeToken } from "../sequencer/rate-limiter";

export type AddressAction = "chats" | "tokens" | "uploads";

export type AddressTake = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * The abuse limits of one network address (one object per keyed digest of it, never the address
 * itself): chats created, tokens issued and files uploaded per minute, as token buckets. Buckets live in the
 * object's key-value storage, so eviction forgives nothing; each write is one small row. Only a
 * limit whose var differs from its Rate Limiting binding is counted here (address-allowance.ts).
 */
export class AddressLimits extends DurableObject<Env> {
	async take(action: AddressAction, perMinute: number): Promise<AddressTake> {
		const saved = this.ctx.storage.kv.get<Bucket>(action);
		const result = takeToken(saved, { capacity: perMinute, windowMs: 60_000 }, Date.now());
		this.ctx.storage.kv.put(action, result.bucket);
		return result.allowed ? { allowed: true } : { allowed: false, retryAfterMs: result.retryAfterMs };
	}
}
