package org.cerebro.exec.cluster;

import java.io.IOException;

/** A peer broke the protocol (bad magic, version, type, length, field or proof): drop it. */
public class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what was wrong, with the expected and actual values */
    public ProtocolException(String message) {
        super(message);
    }
}
