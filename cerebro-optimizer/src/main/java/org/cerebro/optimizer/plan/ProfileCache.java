package org.cerebro.optimizer.plan;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import org.cerebro.plan.ModelProfile;
import org.cerebro.store.DurableMap;

/**
 * Model profiles persisted in a Chronicle Map file, reused across runs and JVMs. Each value is
 * {@code int32 version | float64 s/sample | float64 eval s/sample | int64 state bytes | int64 epoch ms}.
 *
 * <p>Thread-safe (the map is).
 */
public final class ProfileCache implements AutoCloseable {
    private static final int VERSION = 1;
    private final DurableMap map;
    private final Path file;

    private ProfileCache(Path file) {
        this.file = file;
        this.map = DurableMap.open(file, 10_000, 128, 40);
    }

    /** Opens (or creates) the cache in {@code file}. */
    public static ProfileCache open(Path file) {
        return new ProfileCache(file);
    }

    /** The cached profile under {@code key}, its source naming this file, or null. */
    public ModelProfile get(String key) {
        byte[] bytes = map.get(key);
        if (bytes == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readInt();
            if (version != VERSION) {
                return null; // an older format: profile again
            }
            double seconds = in.readDouble();
            double evalSeconds = in.readDouble();
            long stateBytes = in.readLong();
            Instant at = Instant.ofEpochMilli(in.readLong());
            return new ModelProfile(key, seconds, evalSeconds, stateBytes, at, "cached in " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt profile entry key=" + key + " in file=" + file, e);
        }
    }

    /** Stores {@code profile} under its key. */
    public void put(ModelProfile profile) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(40);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(VERSION);
            out.writeDouble(profile.secondsPerSample());
            out.writeDouble(profile.evalSecondsPerSample());
            out.writeLong(profile.stateBytes());
            out.writeLong(profile.measuredAt().toEpochMilli());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        map.put(profile.key(), bytes.toByteArray());
    }

    @Override
    public void close() {
        map.close();
    }
}
