package org.cerebro.exec.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cerebro.space.Config;

/** A config on the wire: a count, then per entry its name, a type tag and the value. */
final class ConfigCodec {
    private ConfigCodec() {
    }

    static void write(Payload.Writer out, Config config) {
        out.putInt(config.values().size());
        for (Map.Entry<String, Object> entry : config.values().entrySet()) {
            out.putString(entry.getKey());
            Object value = entry.getValue();
            if (value instanceof Integer i) {
                out.putByte('I').putInt(i);
            } else if (value instanceof Long l) {
                out.putByte('L').putLong(l);
            } else if (value instanceof Double d) {
                out.putByte('D').putDouble(d);
            } else if (value instanceof Float f) {
                out.putByte('D').putDouble(f);
            } else if (value instanceof Boolean b) {
                out.putByte('B').putByte(b ? 1 : 0);
            } else {
                out.putByte('S').putString(String.valueOf(value));
            }
        }
    }

    static Config read(Payload.Reader in) throws ProtocolException {
        int count = in.getInt("config.size");
        if (count < 0 || count > 10_000) {
            throw new ProtocolException("config.size=" + count + " expected 0..10000");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = in.getString("config.name");
            int tag = in.getByte("config.tag");
            Object value = switch (tag) {
                case 'I' -> in.getInt("config.int");
                case 'L' -> in.getLong("config.long");
                case 'D' -> in.getDouble("config.double");
                case 'B' -> in.getByte("config.boolean") != 0;
                case 'S' -> in.getString("config.string");
                default -> throw new ProtocolException("config entry " + name + " has unknown type tag " + tag);
            };
            values.put(name, value);
        }
        try {
            return Config.of(values);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("bad config: " + e.getMessage());
        }
    }
}
