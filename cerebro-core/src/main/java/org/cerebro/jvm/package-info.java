/**
 * What the library needs from the JVM it runs in: the module flags Chronicle Map and Agrona
 * need, checked up front so that a missing one is reported with the exact flags to add instead
 * of an {@code InaccessibleObjectException} deep inside a dependency.
 */
package org.cerebro.jvm;
