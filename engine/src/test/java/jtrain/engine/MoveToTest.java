package jtrain.engine;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Tensor.moveTo, which moves a parameter's data in place (the CUDA case is covered by the cuda module's GPU tests). */
class MoveToTest {
    @Test
    void toTheSameDeviceKeepsTheStorage() {
        Tensor p = Tensor.ones(2, 3).requiresGrad(true);
        Storage before = p.storage();
        p.moveTo(Device.CPU);
        assertSame(before, p.storage());
    }

    @Test
    void viewsAndNonLeavesDoNotMoveInPlace() {
        Tensor p = Tensor.ones(2, 3).requiresGrad(true);
        assertThrows(IllegalStateException.class, () -> p.transpose(0, 1).moveTo(Device.cuda(0)));
        assertThrows(IllegalStateException.class, () -> p.mul(2).moveTo(Device.cuda(0)));
    }
}
