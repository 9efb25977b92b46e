"""Texts for the tokenizer cross-check: random strings over a pool chosen to hit every normaliser and
pre-tokenizer rule (controls, zero-width and other whitespace, accents and combining marks, CJK and other scripts,
emoji, symbols, special tokens written in the text, words around the 100-character limit, characters that HF's
Unicode tables classify differently from Java's), then lines sampled from the files of the data cache when there
is one.

    python3 texts.py SEED CACHE_DIR OUT.json
"""
import glob
import json
import os
import random
import sys

seed, cache, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
random.seed(seed)
pool = (list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") * 3 + [" "] * 30
        + list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
        + ["\t", "\n", "\r", "\u00a0", "\u2003", "\u3000", "\u2028", "\x00", "\x07", "\x1f", "\x7f", "\u200b", "\u200d",
           "\ufeff", "\ufffd", "\u00ad", "é", "É", "Å", "ñ", "ß", "ﬁ", "İ", "ı", "Σ", "ς", "ǅ", "ẞ", "Ω", "ŉ", "ǰ", "ΐ",
           "e\u0301", "a\u0308", "\u0301", "\u20dd", "一", "龥", "𠀀", "中文", "ひらがな", "カタカナ", "한국어", "😀",
           "👍🏽", "🇫🇷", "مرحبا", "नमस्ते", "สวัสดี", "Ελληνικά", "Привет", "€", "©", "™", "½", "²", "∑", "Ａ", "ｂ", "𝐀",
           "ℌ", "Ⅷ", "①", "—", "…", "«", "¿", "·", "§", "†", "‰", "\u02bc", "[MASK]", "[CLS]", "[SEP]", "[UNK]",
           "[PAD]", "##", "##ing", "whale", "Ahab", "don't", "U.S.A.", "e-mail", "3.14", "$100"])
# Every 20th code point of hf-unicode-exceptions.txt (punctuation, marks, format characters and capitals newer or
# older than HF's tables), alone and after a letter with an accent.
table = os.path.join(os.path.dirname(__file__), "..", "..", "training", "src", "main", "resources", "jtrain", "training",
                     "tokenizer", "hf-unicode-exceptions.txt")
exceptions = []
for line in open(table, encoding="utf-8"):
    if line.strip() and not line.startswith("#"):
        first, _, last = line.split()[1].partition("..")
        exceptions += range(int(first, 16), int(last or first, 16) + 1)
for cp in exceptions[::20]:
    pool += [chr(cp), "e\u0301" + chr(cp)]
texts = ["".join(random.choice(pool) for _ in range(random.randint(0, 40))) for _ in range(3000)]
for n in (99, 100, 101, 150):
    texts += ["a" * n, "é" * n, "whale" * (n // 5)]
real = []
for f in sorted(glob.glob(os.path.join(cache, "**", "*"), recursive=True)):
    if os.path.isfile(f) and os.path.getsize(f) < 50_000_000:
        try:
            lines = open(f, encoding="utf-8").read().splitlines()
        except (UnicodeDecodeError, OSError):
            continue
        real += random.sample(lines, min(5, len(lines)))
random.shuffle(real)
texts += real[:20000]
json.dump(texts, open(out, "w"))
print(len(texts), "texts,", min(len(real), 20000), "of them lines from", cache)
