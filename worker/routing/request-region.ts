import { readSettings } from "../config";
import { ApiError, isLocationHint, type LocationHint, locationHints } from "../protocol";

/** Names the region of a join where `request.cf` cannot (local development); see TRUST_REGION_HEADER. */
export const regionHeader = "X-Edgechat-Region";

/** Countries of the Asian continent served from the Middle East region rather than Asia-Pacific. */
const middleEast = new Set("AE BH IL IQ IR JO KW LB OM PS QA SA SY YE".split(" "));

/** Countries nearer eastern than western Europe (the Caucasus and Turkey too, whatever their continent). */
const easternEurope = new Set(
	"AL AM AZ BA BG BY CY CZ EE FI GE GR HR HU LT LV MD ME MK PL RO RS RU SI SK TR UA XK".split(" "),
);

/** West of this longitude, North America is served from its western region. */
const westernNorthAmericaBelow = -100;

/**
 * The region a request came from, by where Cloudflare says it was made (`request.cf`): the
 * continent, and the country or longitude where a continent is split between two regions. Null
 * when nothing says (no `cf`, as for local tools and tests that pass none, or a Tor exit).
 */
export function regionOfPlace(cf: unknown): LocationHint | null {
	const country = String(field(cf, "country") ?? "");
	if (easternEurope.has(country)) return "eeur";
	switch (field(cf, "continent")) {
		case "EU":
			return "weur";
		case "AS":
			return middleEast.has(country) ? "me" : "apac";
		case "NA": {
			const longitude = Number(field(cf, "longitude"));
			return Number.isFinite(longitude) && longitude < westernNorthAmericaBelow ? "wnam" : "enam";
		}
		case "SA":
			return "sam";
		case "OC":
		// Antarctica's stations are reached through Oceania's networks more than any other.
		case "AN":
			return "oc";
		case "AF":
			return "afr";
		default:
			return null;
	}
}

function field(cf: unknown, name: string): unknown {
	return typeof cf === "object" && cf !== null ? Reflect.get(cf, name) : undefined;
}

/**
 * The region a join is routed in. With TRUST_REGION_HEADER "true" (local development, where
 * `request.cf` is a placeholder that would send every join to Texas), X-Edgechat-Region alone
 * names it and a request without the header has no region, as before regions existed; a deployed
 * Worker, which never trusts the header by default, reads `request.cf`.
 */
export function joinRegion(env: Env, request: Request): LocationHint | null {
	if (!readSettings(env).trustRegionHeader) return regionOfPlace(request.cf);
	const named = request.headers.get(regionHeader);
	if (named === null) return null;
	if (isLocationHint(named)) return named;
	throw new ApiError(400, "bad_request", `${regionHeader}: must be one of ${locationHints.join(", ")}`);
}

/**
 * joinRegion for routeUpgrade, which reads it only for a chat that outgrew its root: `request.cf`
 * is read at most once, and only then. The trusted header (local development) is checked at once,
 * so that a bad one is refused whatever the chat.
 */
export function joinRegionWhenAsked(env: Env, request: Request): () => LocationHint | null {
	if (readSettings(env).trustRegionHeader) {
		const named = joinRegion(env, request);
		return () => named;
	}
	let region: LocationHint | null | undefined;
	return () => {
		if (region === undefined) region = regionOfPlace(request.cf);
		return region;
	};
}
