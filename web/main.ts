import { mountLobby } from "./pages/lobby.ts";
import { mountNotFound } from "./pages/not-found.ts";
import { mountRoom } from "./pages/room/room-page.ts";

/**
 * One entry for every page: the Worker answers unknown paths with index.html (single-page
 * fallback), and the path decides what to show. Chat ids are base62, so nothing else matches.
 */
function route(root: HTMLElement): void {
	const path = location.pathname;
	const room = /^\/c\/([A-Za-z0-9]+)\/?$/.exec(path);
	const embed = /^\/embed\/([A-Za-z0-9]+)\/?$/.exec(path);
	if (room?.[1]) void mountRoom(root, { chatId: room[1], compact: false });
	else if (embed?.[1]) void mountRoom(root, { chatId: embed[1], compact: true });
	else if (path === "/" || path === "/index.html") mountLobby(root);
	else mountNotFound(root);
}

const root = document.getElementById("app");
if (root) route(root);
