package org.cerebro.experiment;

/** A checkpoint file that is missing, truncated or fails its CRC: it must not be restored. */
final class CorruptCheckpointException extends Exception {
    private static final long serialVersionUID = 1L;

    CorruptCheckpointException(String message) {
        super(message);
    }
}
