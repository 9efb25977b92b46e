package jtrain.training.finetune;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.transformer.BertForMaskedLM;
import jtrain.transformer.BertModel;
import jtrain.transformer.HfCheckpoint;
import jtrain.transformer.StateDict;

/**
 * Measuring forgetting: puts the pretrained masked-LM head (cls.* from the pretrained folder) on a fine-tuned
 * encoder, so {@link jtrain.training.pretrain.MlmEvaluator} can score the encoder's held-out MLM loss with the head
 * it was pretrained with. Compare with the pretrained model itself (HfCheckpoint.loadMaskedLM) for "before".
 */
public final class MlmProbe {
    private MlmProbe() {}

    /** An MLM model sharing encoder (no copy), its head loaded from pretrainedDir onto the encoder's device. */
    public static BertForMaskedLM on(BertModel encoder, Path pretrainedDir) throws IOException {
        BertForMaskedLM mlm = new BertForMaskedLM(encoder, new Rng(0), new Rng(0));
        mlm.to(encoder.parameters().get(0).device()); // the new head starts on the host; the encoder's tensors stay put
        if (!loadHead(mlm, pretrainedDir))
            throw new IllegalArgumentException(pretrainedDir + ": no complete masked-LM head (cls.predictions.*) to probe with");
        return mlm;
    }

    /** Copies only the cls.* tensors of a folder into mlm (the encoder is left alone); false if any is missing. */
    public static boolean loadHead(BertForMaskedLM mlm, Path dir) throws IOException {
        Map<String, Tensor> head = new LinkedHashMap<>();
        HfCheckpoint.readWeights(dir).forEach((name, t) -> {
            if (name.startsWith("cls.")) head.put(name, t);
        });
        StateDict.Report r = StateDict.load(mlm, head);
        if (!r.mismatched().isEmpty()) throw new IllegalArgumentException(dir + ": " + String.join("; ", r.mismatched()));
        return r.missing().stream().noneMatch(n -> n.startsWith("cls."));
    }
}
