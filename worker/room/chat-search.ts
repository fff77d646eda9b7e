import type { HistoryPage } from "../protocol";
import type { SearchRequest } from "../sequencer/search-index";
import type { Sequencer } from "../sequencer/sequencer";

/** Messages indexed per step of a search's catching up (a few tens of ms each). */
const indexStep = 5000;

/**
 * A search of the chat's history; null when the chat does not exist (or is deleted meanwhile).
 * What waits for the index is indexed first, one transaction a step, letting other events in
 * between: a long log that predates its index (a chat older than search) is indexed on its first
 * search without holding the chat's sockets up.
 */
export async function searchChat(
	storage: DurableObjectStorage,
	sequencer: Sequencer,
	request: SearchRequest,
): Promise<HistoryPage | null> {
	while (sequencer.info && !storage.transactionSync(() => sequencer.indexForSearch(indexStep))) {
		await scheduler.wait(0);
	}
	return sequencer.info ? sequencer.search(request) : null;
}
