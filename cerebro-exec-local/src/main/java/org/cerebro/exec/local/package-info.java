/**
 * The local multi-device executor: one worker thread per device (CPU workers, or one per GPU),
 * each holding its partitions resident; trials hop between workers in memory under the
 * optimizer's MOP scheduler. The driver thread and the workers talk through LMAX Disruptor rings:
 * a single-producer dispatch ring per worker, and one multi-producer completion ring back.
 */
package org.cerebro.exec.local;
