package org.cerebro.plan;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

/**
 * Facts about the local machine that plans need: its memory and how fast it copies bytes (the
 * bandwidth of a hop between local workers), measured once per JVM in a few tens of milliseconds.
 */
public final class MachineFacts {
    private MachineFacts() {
    }

    /** Physical memory in bytes (the JVM's max heap when the OS does not say). */
    public static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** Measured bytes per second of copying 32 MB between direct buffers (best of 5). */
    public static double memoryBandwidth() {
        return Bandwidth.VALUE;
    }

    private static final class Bandwidth {
        static final double VALUE = measure();

        private static double measure() {
            int size = 32 << 20;
            ByteBuffer from = ByteBuffer.allocateDirect(size);
            ByteBuffer to = ByteBuffer.allocateDirect(size);
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                from.clear();
                to.clear();
                long start = System.nanoTime();
                to.put(from);
                best = Math.min(best, System.nanoTime() - start);
            }
            return size / (best / 1e9);
        }
    }
}
