package org.cerebro.store;

/**
 * A durable map's file is damaged beyond what recovery repairs (e.g. its header was overwritten):
 * the message names the file and what the store found.
 */
public final class DamagedStoreException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which file, and what was found
     * @param cause   the store's own exception
     */
    public DamagedStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
