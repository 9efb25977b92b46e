"""Every code point through HuggingFace tokenizers' BERT normaliser and pre-tokenizer, for HfUnicodeParityTest.

Writes one line per code point (surrogates left out) to the file named by the first argument:
code point (decimal), then for "a" + the character + "b" under two normalisers, the normalised text as hex code
points and the lengths of the words the pre-tokenizer splits it into: first with clean-up, CJK spacing, accent
stripping and lowercasing all on, then with only clean-up and CJK spacing.
"""
import sys

from tokenizers.normalizers import BertNormalizer
from tokenizers.pre_tokenizers import BertPreTokenizer

normalizers = [
    BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=True, lowercase=True),
    BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=False),
]
pre_tokenizer = BertPreTokenizer()
with open(sys.argv[1], "w", encoding="ascii") as out:
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        columns = [str(cp)]
        for normalizer in normalizers:
            text = normalizer.normalize_str("a" + chr(cp) + "b")
            columns.append(" ".join("%X" % ord(c) for c in text))
            columns.append("|".join(str(len(w)) for w, _ in pre_tokenizer.pre_tokenize_str(text)))
        out.write("\t".join(columns) + "\n")
