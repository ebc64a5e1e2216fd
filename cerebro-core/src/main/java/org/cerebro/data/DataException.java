package org.cerebro.data;

/**
 * Bad input data: a malformed file, a value out of range, an impossible request such as more
 * partitions than records. The message is a list of {@code key=value} pairs that names the source,
 * the position (row, line or byte offset) and the expected and actual values, e.g.
 * {@code file=train-images.idx offset=0 expected magic=0x00000803 got=0x00000801}.
 */
public final class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong and where, as {@code key=value} pairs
     */
    public DataException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong and where, as {@code key=value} pairs
     * @param cause   the underlying failure
     */
    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
