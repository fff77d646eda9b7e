import { ApiError, type ErrorBody, errorBodyOfRefusal, type Refusal, refusal } from "../protocol";

/** The one way an error becomes a response: the refusal's status and body. */
export function refusalResponse(refused: Refusal): Response {
	const body: ErrorBody = errorBodyOfRefusal(refused);
	// Retry-After (whole seconds) for generic HTTP clients; retryAfterMs for ours, which can be precise.
	const headers: Record<string, string> =
		body.error.retryAfterMs === undefined
			? {}
			: { "Retry-After": String(Math.ceil(body.error.retryAfterMs / 1000)) };
	return Response.json(body, { status: refused.status, headers });
}

/** A thrown refusal as its response; anything else is ours: logged, and told to the client as no more than a 500. */
export function responseOfError(error: unknown): Response {
	if (error instanceof ApiError) return refusalResponse(error.refusal);
	console.error(error);
	return refusalResponse(refusal(500, "internal_error", "Something went wrong on our side"));
}
