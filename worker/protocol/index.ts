/**
 * The wire contract of edgechat, defined once: HTTP bodies, WebSocket frames, limits and error
 * codes. It depends on no platform, so the Worker, the browser client and the tests share it.
 */
export * from "./api";
export * from "./errors";
export * from "./fields";
export * from "./frames";
export * from "./limits";
export * from "./location-hints";
export * from "./models";
export * from "./moderation";
export * from "./refusal";
export * from "./server-frames";
export * from "./subprotocols";
export * from "./text";
export * from "./webhooks";
