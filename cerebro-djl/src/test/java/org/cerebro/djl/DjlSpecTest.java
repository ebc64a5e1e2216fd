package org.cerebro.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableFactory;
import org.cerebro.train.TrainableSpec;
import org.junit.jupiter.api.Test;

/** A DJL trainable rebuilt in another process keeps every setting: its model factory and its gradient mode. */
class DjlSpecTest {
    @Test
    void theSpecKeepsTheFactoryAndTheGradientMode() {
        for (GradientMode mode : GradientMode.values()) {
            DjlTrainable original = new DjlTrainable(Zoo.lenet()).withGradientMode(mode);
            TrainableSpec spec = original.spec();
            assertEquals("djl", spec.kind());
            Trainable rebuilt = TrainableFactory.build(spec, DjlSpecTest.class.getClassLoader());
            DjlTrainable djl = (DjlTrainable) rebuilt;
            assertEquals(mode, djl.gradientMode());
            assertEquals(original.factory().getClass(), djl.factory().getClass());
            assertEquals(original.name(), djl.name());
        }
        assertTrue(TrainableFactory.build(new DjlTrainable(Zoo.mlp()).spec(), DjlSpecTest.class.getClassLoader())
            .name().contains("mlp"));
    }
}
