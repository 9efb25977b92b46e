package jtrain.transformer.nn;

import java.util.ArrayList;
import java.util.List;

/** Numbered children ("0", "1", ...), as torch.nn.ModuleList names them. */
public final class ModuleList<M extends Module> extends Module {
    private final List<M> items = new ArrayList<>();

    public M add(M m) {
        child(Integer.toString(items.size()), m);
        items.add(m);
        return m;
    }

    public List<M> items() {
        return items;
    }
}
