package org.cerebro.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.cerebro.space.Config;
import org.junit.jupiter.api.Test;

/** How another process rebuilds a trainable: by a spec, never by running code it was not asked to. */
class TrainableSpecTest {
    /** Set by {@link Bystander}'s static initialiser (reading a field of Bystander itself would run it). */
    static final java.util.concurrent.atomic.AtomicBoolean BYSTANDER_INITIALISED =
        new java.util.concurrent.atomic.AtomicBoolean();

    /** Not a trainable; records whether anything ran its static initialiser. */
    static final class Bystander {
        static {
            BYSTANDER_INITIALISED.set(true);
        }
    }

    /** A trainable whose static initialiser must not run until it is built. */
    public static final class Named implements Trainable {
        @Override
        public String name() {
            return "named";
        }

        @Override
        public TrainableState init(Config config, long seed, DataSpec data) {
            return new MlpTrainable().init(config, seed, data);
        }

        @Override
        public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
            return new MlpTrainable().restore(config, data, bytes);
        }
    }

    private static Trainable build(TrainableSpec spec) {
        return TrainableFactory.build(spec, TrainableSpecTest.class.getClassLoader());
    }

    @Test
    void aNamedTrainableRoundTripsThroughItsSpec() {
        TrainableSpec spec = new Named().spec();
        assertEquals(new TrainableSpec("class", Map.of("class", Named.class.getName())), spec);
        assertTrue(build(spec) instanceof Named);
        assertTrue(build(new MlpTrainable().spec()) instanceof MlpTrainable);
    }

    @Test
    void aClassThatIsNotATrainableIsRefusedWithoutRunningItsInitialiser() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> build(new TrainableSpec("class", Map.of("class", Bystander.class.getName()))));
        assertTrue(refused.getMessage().contains("is not a concrete Trainable"), refused.getMessage());
        assertFalse(BYSTANDER_INITIALISED.get(), "naming a class ran its static initialiser");
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> build(new TrainableSpec("class", Map.of("class", "no.such.Clazz")))).getMessage()
            .contains("not on this class path"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> build(new TrainableSpec("class", Map.of("class", Trainable.class.getName())))).getMessage()
            .contains("not a concrete Trainable"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> build(new TrainableSpec("quantum", Map.of()))).getMessage()
            .contains("no trainable factory of kind \"quantum\""));
    }

    @Test
    void lambdasAndAnonymousClassesHaveNoSpec() {
        Trainable anonymous = new Trainable() {
            @Override
            public String name() {
                return "anonymous";
            }

            @Override
            public TrainableState init(Config config, long seed, DataSpec data) {
                return null;
            }

            @Override
            public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
                return null;
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, anonymous::spec);
        assertTrue(e.getMessage().contains("lambda or an anonymous or local class"), e.getMessage());
    }
}
