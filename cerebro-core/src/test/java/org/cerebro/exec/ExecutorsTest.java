package org.cerebro.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** With cerebro-core alone, only the sequential executor is found, and asking for another says what to add. */
class ExecutorsTest {
    @Test
    void coreAloneFindsTheSequentialExecutorAndNamesTheModuleForOthers() {
        assertTrue(Executors.find("sequential").createDefault() instanceof SequentialExecutor);
        assertEquals(1, Executors.find("sequential").create(1).workers());
        assertThrows(IllegalArgumentException.class, () -> Executors.find("sequential").create(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Executors.find("local"));
        assertTrue(e.getMessage().contains("found [sequential]") && e.getMessage().contains("cerebro-exec-local"),
            e.getMessage());
    }
}
