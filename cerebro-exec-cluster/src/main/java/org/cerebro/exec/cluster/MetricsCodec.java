package org.cerebro.exec.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cerebro.train.Metrics;

/** Metrics on the wire: loss, accuracy, then the extra named values. */
final class MetricsCodec {
    private MetricsCodec() {
    }

    static void write(Payload.Writer out, Metrics metrics) {
        out.putDouble(metrics.loss()).putDouble(metrics.accuracy()).putInt(metrics.extra().size());
        metrics.extra().forEach((name, value) -> out.putString(name).putDouble(value));
    }

    static Metrics read(Payload.Reader in) throws ProtocolException {
        double loss = in.getDouble("metrics.loss");
        double accuracy = in.getDouble("metrics.accuracy");
        int extras = in.getInt("metrics.extra.size");
        if (extras < 0 || extras > 1_000) {
            throw new ProtocolException("metrics.extra.size=" + extras + " expected 0..1000");
        }
        Map<String, Double> extra = new LinkedHashMap<>();
        for (int i = 0; i < extras; i++) {
            extra.put(in.getString("metrics.extra.name"), in.getDouble("metrics.extra.value"));
        }
        return new Metrics(loss, accuracy, extra);
    }
}
