/**
 * What the library needs from the JVM it runs in: the module flags Chronicle Map (experiment
 * directories and profile caches) needs, checked when such a feature is first used so that a
 * missing one is reported with the exact flags to add, in the forms users paste, instead of an
 * {@code InaccessibleObjectException} deep inside a dependency. Everything else, searches on the
 * pure-Java trainable included, runs in a JVM started with no flags at all.
 */
package org.cerebro.jvm;
