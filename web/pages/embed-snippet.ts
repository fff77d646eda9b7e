/** Escapes a value for a double-quoted HTML attribute in markup that someone will paste elsewhere. */
function attribute(value: string): string {
	return value
		.replaceAll("&", "&amp;")
		.replaceAll('"', "&quot;")
		.replaceAll("<", "&lt;")
		.replaceAll(">", "&gt;");
}

/**
 * The invite key rides in the fragment (`#key=`), which browsers never send to any server: it
 * stays out of access logs and Referer headers. (Old `?key=` links still work.)
 */
function keyFragment(inviteKey?: string): string {
	return inviteKey ? `#key=${encodeURIComponent(inviteKey)}` : "";
}

/** The address of a chat's compact page; private chats need the invite key in it. */
export function embedUrl(origin: string, chatId: string, inviteKey?: string): string {
	return `${origin}/embed/${encodeURIComponent(chatId)}${keyFragment(inviteKey)}`;
}

/** The address people join with; for a private chat this is the invite link. */
export function chatUrl(origin: string, chatId: string, inviteKey?: string): string {
	return `${origin}/c/${encodeURIComponent(chatId)}${keyFragment(inviteKey)}`;
}

/** Markup an owner pastes into their own site to show the chat there. */
export function embedSnippet(origin: string, chatId: string, chatName: string, inviteKey?: string): string {
	const src = attribute(embedUrl(origin, chatId, inviteKey));
	const title = attribute(`Chat: ${chatName}`);
	return `<iframe src="${src}" title="${title}" width="400" height="560" style="border:0" loading="lazy"></iframe>`;
}
