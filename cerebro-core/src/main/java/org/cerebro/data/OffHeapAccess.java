package org.cerebro.data;

import org.cerebro.jvm.JvmFlags;

/**
 * Checks, once, that Agrona can reach the JDK's unsafe memory access before the first off-heap
 * buffer is made: without {@code --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED} Agrona
 * fails with an {@code IllegalAccessError} deep inside; this says which flags to add instead.
 */
final class OffHeapAccess {
    private static volatile boolean checked;

    private OffHeapAccess() {
    }

    static void ensure() {
        if (!checked) {
            JvmFlags.require("Cerebro's off-heap data layer (Agrona)", "jdk.internal.misc");
            checked = true;
        }
    }
}
