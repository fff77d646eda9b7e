/**
 * Made-up chat text for a large log: words of a vocabulary of 8,000, drawn so that a few are very
 * common and most are rare (about as in real chat), 4 to 14 words a message, with some accented
 * words and the message's own number. The same seq always gives the same text.
 */
const syllables = [
	"ka",
	"lo",
	"mi",
	"ne",
	"ru",
	"ta",
	"vo",
	"shi",
	"pe",
	"da",
	"zu",
	"ri",
	"be",
	"gan",
	"tor",
	"vel",
	"mar",
	"sol",
	"fin",
	"dre",
];
const vocabularySize = syllables.length ** 3;
const accented = ["café", "naïve", "déjà", "crème", "Zürich", "señor"];

/** The word of this rank: 0 is the most common. */
export function word(rank: number): string {
	const at = (index: number) => syllables[index % syllables.length] ?? "";
	const first = at(rank) + at(Math.floor(rank / syllables.length));
	return rank < syllables.length ** 2 ? first : first + at(Math.floor(rank / syllables.length ** 2));
}

export function chatText(seq: number): string {
	const random = mulberry32(seq);
	const words: string[] = [];
	const count = 4 + Math.floor(random() * 11);
	for (let i = 0; i < count; i++) {
		// Log-uniform ranks: the chance of a rank falls about as 1/rank (Zipf's law).
		words.push(word(Math.floor(vocabularySize ** random()) - 1));
	}
	if (seq % 50 === 0) words.splice(1, 0, accented[(seq / 50) % accented.length] ?? "café");
	words.push(`#${seq}`);
	return words.join(" ");
}

function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
