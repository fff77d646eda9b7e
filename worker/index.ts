import { app } from "./http/app";

export { AddressLimits } from "./abuse/address-limits";
export { ChatDirectory } from "./directory/chat-directory";
export { ChatRoom } from "./room/chat-room";
export { ChatShard } from "./shard/chat-shard";

export default app satisfies ExportedHandler<Env>;
