"""Writes tokenizer.json variants of one vocab.txt with HF's BertWordPieceTokenizer: the normaliser's settings
(lowercase, strip_accents, handle_chinese_chars, clean_text) each changed from the uncased default.

    python3 variants.py vocab.txt OUT_DIR
"""
import os
import sys

from tokenizers import BertWordPieceTokenizer

vocab, out = sys.argv[1:3]
settings = {"uncased": {}, "cased": dict(lowercase=False), "cased-strip-accents": dict(lowercase=False, strip_accents=True),
            "lowercase-keep-accents": dict(strip_accents=False), "no-chinese-split": dict(handle_chinese_chars=False),
            "no-clean-text": dict(clean_text=False)}
for name, kw in settings.items():
    BertWordPieceTokenizer(vocab, **kw).save(os.path.join(out, name + ".json"))
print(" ".join(settings))
