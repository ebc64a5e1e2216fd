package org.cerebro.exec.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared secrets: at least 16 bytes, from a file whose content (trailing newline trimmed) is the secret. */
final class Secrets {
    static final int MIN_BYTES = 16;

    private Secrets() {
    }

    static byte[] read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret file=" + file, e);
        }
        int end = bytes.length;
        while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
            end--;
        }
        return check(java.util.Arrays.copyOf(bytes, end), "secret file=" + file);
    }

    static byte[] check(byte[] secret, String source) {
        if (secret.length < MIN_BYTES) {
            throw new IllegalArgumentException(source + " holds " + secret.length + " bytes, expected at least "
                + MIN_BYTES + " (e.g. head -c 32 /dev/urandom | base64 > secret)");
        }
        return secret.clone();
    }
}
