package jtrain.engine.optim;

import java.util.List;

import jtrain.engine.Tensor;

/**
 * SGD as torch.optim.SGD (dampening 0): {@code d = g + wd*p}; with momentum {@code buf = momentum*buf + d}
 * (buf = d on the first update) and {@code d = buf}, or {@code d = d + momentum*buf} for Nesterov; then
 * {@code p -= lr*d}. Built from device ops and in-place kernels, so it runs where the parameter lives.
 */
public final class Sgd extends Optimizer {
    private static final int MOMENTUM_BUFFER = 0;

    private final double momentum;
    private final boolean nesterov;

    public Sgd(List<Tensor> params, double lr, double momentum, double weightDecay) {
        this(params, lr, momentum, weightDecay, false);
    }

    public Sgd(List<Tensor> params, double lr, double momentum, double weightDecay, boolean nesterov) {
        this(List.of(ParamGroup.of(params, weightDecay)), lr, momentum, nesterov);
    }

    private Sgd(List<ParamGroup> groups, double lr, double momentum, boolean nesterov) {
        super(groups, lr, "momentum_buffer");
        if (!(momentum >= 0)) throw new IllegalArgumentException("SGD momentum must be >= 0, not " + momentum);
        if (nesterov && momentum == 0) throw new IllegalArgumentException("Nesterov momentum needs a momentum > 0");
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    /** Groups with their own lr scale and weight decay. */
    public static Sgd withGroups(List<ParamGroup> groups, double lr, double momentum, boolean nesterov) {
        return new Sgd(groups, lr, momentum, nesterov);
    }

    @Override
    protected void update(int index, Tensor param, Tensor grad, double lr, double weightDecay) {
        Tensor d = weightDecay != 0 ? grad.add(param.mul(weightDecay)) : grad;
        if (momentum != 0) {
            Tensor buf = state(index, MOMENTUM_BUFFER);
            if (buf == null) {
                buf = Tensor.zeros(d.dtype(), d.device(), d.shape()); // a copy: d may be the gradient itself
                buf.backend().copy(d, buf);
                setState(index, MOMENTUM_BUFFER, buf);
            } else {
                buf.backend().scaleInPlace(buf, Tensor.scalar(momentum, buf.dtype(), buf.device()));
                buf.backend().addInPlace(buf, d);
            }
            d = nesterov ? d.add(buf.mul(momentum)) : buf;
        }
        param.backend().addInPlace(param, d.mul(-lr));
    }
}
