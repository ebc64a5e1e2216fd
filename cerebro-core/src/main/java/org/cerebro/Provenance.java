package org.cerebro;

/**
 * What it takes to reproduce a trial.
 *
 * @param searchSeed     the search's seed
 * @param trialSeed      the trial's own seed (its initial state)
 * @param configId       the config's stable id
 * @param trainable      the trainable's name
 * @param cerebroVersion the library version
 * @param javaVersion    the JVM version
 */
public record Provenance(long searchSeed, long trialSeed, String configId, String trainable, String cerebroVersion,
                         String javaVersion) {
}
