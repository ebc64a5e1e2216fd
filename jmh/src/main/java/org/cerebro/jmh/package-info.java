/**
 * JMH benchmarks. Build the runnable jar and run from the project root:
 * <pre>
 * mvn -B -Pbench -DskipTests package -pl jmh -am
 * java @jvm.options -jar jmh/target/benchmarks.jar [regex] [-f 1 -wi 3 -i 5]
 * </pre>
 * Each benchmark class measures a baseline in the same run; report ratios against it.
 */
package org.cerebro.jmh;
