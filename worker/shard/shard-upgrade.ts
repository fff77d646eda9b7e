import { admitJoiner } from "../door/admission";
import type { FanoutInbox } from "../fanout/fanout-inbox";
import type { RoomEvents } from "../observability/room-events";
import { type IssuedToken, limits, refusal, type SessionUser } from "../protocol";
import { refusals } from "../refusals";
import { readShardIndex, shardFull, shardHeader } from "../routing/shard-address";
import type { Replay } from "../sequencer/sequencer";
import { type ReadyFields, readyJson } from "../sockets/ready-json";
import type { SocketHolder } from "../sockets/socket-holder";
import {
	answeredProtocol,
	chatIdOfUpgrade,
	readJoiner,
	refuseUpgrade,
	resumeWanted,
} from "../sockets/socket-request";
import type { ChatCopy } from "./chat-copy";
import type { RootAttach } from "./root-attach";
import type { RootLink } from "./root-link";

/** The shard's parts a socket is let in with. */
export interface ShardUpgradeParts {
	holder: SocketHolder;
	inbox: FanoutInbox;
	copy: ChatCopy;
	link: RootLink;
	rootAttach: RootAttach;
	events: RoomEvents;
	/** The most sockets one object holds (ROOM_SHARD_CAPACITY). */
	capacity: number;
	/** Signs the token of a socket that joined by name. */
	issue: (chatId: string, user: SessionUser) => Promise<IssuedToken>;
}

/**
 * A socket's admission at a shard: its upgrade is refused (not routed, a full shard that names
 * the next, no such chat, a ban), or accepted once the shard is attached, and greeted with
 * `ready`, what it missed (from the messages held here when it can) and what changed meanwhile.
 */
export class ShardUpgrade {
	constructor(private readonly shard: ShardUpgradeParts) {}

	/** Only upgrades arrive here, already authenticated and routed by the Worker. */
	async accept(request: Request): Promise<Response> {
		const { holder, inbox, copy, link, events } = this.shard;
		const joiner = readJoiner(request);
		const index = readShardIndex(request.headers.get(shardHeader));
		const chatId = chatIdOfUpgrade(request);
		if (!joiner || index === null || index === 0)
			return refuseUpgrade(events, refusal(400, "bad_request", "Not a routed upgrade"));
		// A soft bound: joins that arrive together are all let in, so a storm overfills a shard by at
		// most the joins in flight, rather than bouncing each of them along every full shard.
		if (holder.size >= this.shard.capacity) {
			events.refused("full", 503);
			return shardFull(index + 1);
		}
		const joining =
			joiner.kind === "verified" ? joiner.user : { id: joiner.request.userId, name: joiner.request.name };
		if (!(await this.shard.rootAttach.attach(chatId, index, joining)))
			return refuseUpgrade(events, refusals.chatNotFound());
		const chat = copy.identity?.chat;
		if (!chat) return refuseUpgrade(events, refusals.chatNotFound());
		const { since, rev } = resumeWanted(request);

		// Admitted in line with the fan-out, so the seq it is greeted with is exactly what this
		// shard has delivered: the replay ends there and live frames take over after it.
		return inbox.run(async () => {
			// The door's copy comes with the fan-out, which this runs in line with: no ban is missed here.
			const access = copy.door.access;
			if (access === null) return refuseUpgrade(events, refusals.chatNotFound());
			const admitted = await admitJoiner(joiner, access, copy.door, Date.now());
			if (admitted.kind === "refused") return refuseUpgrade(events, admitted);
			const greeted = admitted.user;
			const token = admitted.joined ? await this.shard.issue(chatId, greeted) : undefined;
			const upto = inbox.lastSeq;
			const replay = since === null ? null : await this.replay(since, upto, chat.history);
			// Changes up to what this shard delivered; later ones reach the socket live.
			const readyRev = copy.rev;
			const changes =
				since !== null && rev !== null && rev < readyRev && chat.history
					? await link.call((root) => root.changesForShard(rev, since, readyRev))
					: [];
			const response = holder.admit(greeted, since, upto, answeredProtocol(request), () => {
				// The chat-wide list as this shard last heard it, with whom it let in since its last report.
				const local = holder.presence.unreported();
				const ready: ReadyFields = {
					type: "ready",
					user: greeted,
					chat,
					onlineCount: copy.online.count(local),
					lastSeq: upto,
					rev: readyRev,
					...(replay && { replay: replay.summary }),
					...(token && { token }),
				};
				const online = copy.online.listJson(local, holder.presence.unreportedHead);
				return { ready: readyJson(ready, online), missed: replay?.messages ?? [], changes };
			});
			events.admitted(holder.size, replay?.summary ?? null);
			return response;
		});
	}

	private async replay(since: number, upto: number, history: boolean): Promise<Replay> {
		if (!history) return { summary: { since, missed: 0, replayed: 0, firstSeq: null }, messages: [] };
		const held = this.shard.copy.recent.between(since, upto);
		if (held && held.length <= limits.replayMax) {
			return {
				messages: held,
				summary: { since, missed: held.length, replayed: held.length, firstSeq: held[0]?.seq ?? null },
			};
		}
		return this.shard.link.call((root) => root.replayForShard(since, upto));
	}
}
