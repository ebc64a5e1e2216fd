/**
 * The runtime kernel, one for every executor: the {@link org.cerebro.runtime.TrialTable} (the one
 * owner of each trial's phase, epochs, in-epoch progress and state between units), the unit
 * schedulers of the physical operators ({@link org.cerebro.runtime.MopScheduler},
 * {@link org.cerebro.runtime.TaskParallelScheduler}), the fixed visit orders, and the
 * {@link org.cerebro.runtime.Kernel} whose one dispatch loop drives an executor (a transport),
 * journals to the experiment directory, isolates failures and cancels.
 */
package org.cerebro.runtime;
