/**
 * The local multi-device executor: a transport with one worker thread per device (CPU workers, or
 * one per GPU); the runtime kernel schedules, and trials hop between workers in memory. The
 * kernel's thread and the workers talk through LMAX Disruptor rings: a single-producer dispatch
 * ring per worker, and one multi-producer completion ring back.
 */
package org.cerebro.exec.local;
