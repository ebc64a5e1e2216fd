/**
 * Experiment directories: a search's durable record, from which a killed or cancelled search
 * resumes. A directory holds {@code catalog.cmap} (a Chronicle Map: the search's fingerprint, one
 * record per trial, the log of epoch outcomes in the order the search acted on them),
 * {@code checkpoints/} (each trial's state after its latest units, written atomically and checked
 * by CRC-32C) and a {@code lock} file that keeps a second process out.
 *
 * <p>Every value written is a versioned binary record with its own CRC-32C; nothing is Java
 * serialization.
 */
package org.cerebro.experiment;
