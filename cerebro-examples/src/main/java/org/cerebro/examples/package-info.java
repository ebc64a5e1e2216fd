/**
 * Runnable examples: each is one class with a {@code main}, compiled by the build and run by CI.
 */
package org.cerebro.examples;
