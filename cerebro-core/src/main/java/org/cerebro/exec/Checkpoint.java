package org.cerebro.exec;

/**
 * A durable copy of a trial's state: a file in an experiment directory, named and checked by
 * its length and CRC-32C, so a torn or altered file is detected before it is trusted.
 *
 * @param file   the file name, relative to the experiment's checkpoint folder
 * @param length the payload length in bytes
 * @param crc32c the payload's CRC-32C
 */
public record Checkpoint(String file, long length, int crc32c) {
}
