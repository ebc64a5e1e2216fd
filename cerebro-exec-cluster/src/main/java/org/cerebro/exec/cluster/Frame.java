package org.cerebro.exec.cluster;

/**
 * One protocol message.
 *
 * @param type        what it is
 * @param correlation ties a reply to its request (a unit's sequence number, a heartbeat's)
 * @param payload     the type's fields ({@link Payload})
 */
record Frame(MessageType type, long correlation, byte[] payload) {
    /** A reader of the payload. */
    Payload.Reader reader() {
        return new Payload.Reader(type, payload);
    }
}
