import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jtrain.engine.io.Json;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.EncodeOptions;
import jtrain.training.tokenizer.Encoding;
import jtrain.training.tokenizer.TokenizerFiles;

/**
 * jtrain's side of the tokenizer cross-check: encodes every text of a JSON array with a tokenizer.json, one line of
 * output per text (single: ids without special tokens; truncated: ids with [CLS]/[SEP], cut to MAX_LENGTH) or per
 * pair of consecutive texts (pairs: ids and token types with [CLS]/[SEP], truncated to MAX_LENGTH when above 0).
 * Run by tokenizer-crosscheck.sh with the source launcher:
 *
 *     java -cp JARS Encode.java tokenizer.json texts.json out.txt single|truncated|pairs MAX_LENGTH
 */
public class Encode {
    public static void main(String[] args) throws Exception {
        BertTokenizer tok = TokenizerFiles.loadTokenizerJson(Path.of(args[0]));
        List<?> texts = (List<?>) Json.parse(Files.readString(Path.of(args[1])), args[1]);
        String mode = args[3];
        int maxLength = Integer.parseInt(args[4]);
        EncodeOptions options = maxLength > 0 ? EncodeOptions.DEFAULT.truncateTo(maxLength) : EncodeOptions.DEFAULT;
        List<String> lines = new ArrayList<>();
        if (mode.equals("single")) {
            for (Object t : texts) lines.add(tok.textIds((String) t).toString());
        } else if (mode.equals("truncated")) {
            for (Object t : texts) lines.add(Arrays.toString(tok.encode((String) t, null, options).ids()));
        } else {
            for (int i = 0; i + 1 < texts.size(); i += 2) {
                Encoding e = tok.encode((String) texts.get(i), (String) texts.get(i + 1), options);
                lines.add(Arrays.toString(e.ids()) + " " + Arrays.toString(e.typeIds()));
            }
        }
        Files.write(Path.of(args[2]), lines);
    }
}
