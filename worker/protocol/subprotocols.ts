/**
 * What a WebSocket upgrade may carry in its subprotocols (`Sec-WebSocket-Protocol`), the one
 * list a browser can set on a socket; secrets never go in the URL, where logs and histories keep
 * them. Either a token (`edgechat.token.<token>`), or what a token request carries, so that a
 * first visit joins in one request: `edgechat.name.<the name's UTF-8 bytes in base64url, no
 * padding>` and, for a private chat or the owner role, `edgechat.key.<key>`. Every offer includes
 * `edgechat.v1`, and the server answers with it alone. Tokens, keys and base64url are all valid
 * subprotocol characters (RFC 6455 §4.1).
 */
export const socketProtocol = "edgechat.v1";
export const tokenProtocolPrefix = "edgechat.token.";
export const nameProtocolPrefix = "edgechat.name.";
export const keyProtocolPrefix = "edgechat.key.";
