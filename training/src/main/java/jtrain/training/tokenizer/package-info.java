/**
 * BERT WordPiece tokenization, compatible with HuggingFace (transformers BertTokenizer / tokenizers).
 *
 * <pre>{@code
 * BertTokenizer tok = TokenizerFiles.load(Path.of("model-dir"));      // tokenizer.json, else vocab.txt
 * Encoding e = tok.encode("Call me Ishmael.");                          // [CLS] call me ish ##mael . [SEP]
 * Encoding p = tok.encode("question", "context", EncodeOptions.DEFAULT.truncateTo(128).padTo(128));
 * String text = tok.decode(e.ids());
 *
 * BertTokenizer trained = new WordPieceTrainer().vocabSize(8000).train(lines);
 * TokenizerFiles.save(trained, Path.of("out"));                        // vocab.txt, tokenizer.json, configs
 * }</pre>
 *
 * Pipeline: {@link jtrain.training.tokenizer.BertNormalizer} (clean-up, CJK spacing, accents, case) then
 * {@link jtrain.training.tokenizer.PreTokenizer} (whitespace and punctuation) then
 * {@link jtrain.training.tokenizer.WordPiece} (greedy longest match per word).
 */
package jtrain.training.tokenizer;
