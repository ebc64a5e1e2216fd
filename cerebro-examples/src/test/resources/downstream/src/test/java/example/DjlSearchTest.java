package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.TrialResult;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.data.Split;
import org.cerebro.djl.DjlModels;
import org.cerebro.djl.DjlTrainable;
import org.cerebro.djl.Zoo;
import org.cerebro.exec.local.LocalExecutor;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.junit.jupiter.api.Test;

/**
 * A DJL search in a downstream project: the best model exported in DJL's format, then loaded and
 * run in another JVM that has DJL on its class path and no Cerebro class at all.
 */
class DjlSearchTest {
    @Test
    void theBestModelRunsWithPlainDjlAtTheReportedAccuracy() throws Exception {
        Path mnist = Path.of(System.getProperty("cerebro.data"), "mnist");
        Path out = Path.of("target", "best-model");
        try (Dataset all = Datasets.idx(mnist.resolve("t10k-images-idx3-ubyte.gz"), mnist.resolve("t10k-labels-idx1-ubyte.gz"));
             Dataset head = all.head(4_000);
             Split split = head.split(0.25, 7)) {
            SearchResult result = Cerebro.search(SearchSpace.of(HParam.choice("width", 32, 64),
                    HParam.constant("depth", 1), HParam.choice("lr", 0.001, 0.003)))
                .trainable(new DjlTrainable(Zoo.mlp()))
                .data(split.train(), split.validation())
                .strategy(Strategy.grid(2))
                .objective(Objective.maximize("accuracy"))
                .executor(LocalExecutor.cpus(2))
                .run();
            TrialResult best = result.best().orElseThrow();
            DjlModels.save(result.bestModel().orElseThrow(), out, "best");
            Dataset validation = split.validation();
            try (DataOutputStream data = new DataOutputStream(Files.newOutputStream(out.resolve("validation.bin")))) {
                data.writeInt(validation.size());
                float[] row = new float[784];
                for (int i = 0; i < validation.size(); i++) {
                    validation.copyFeatures(i, row);
                    for (float v : row) {
                        data.writeFloat(v);
                    }
                    data.writeInt(validation.label(i));
                }
            }
            List<String> djlOnly = new ArrayList<>();
            // Surefire starts the tests from a manifest-only jar; it puts the real class path here
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            for (String entry : classPath.split(File.pathSeparator)) {
                String jar = Path.of(entry).getFileName().toString();
                if (!jar.startsWith("cerebro-") && !jar.startsWith("agrona-") && !jar.startsWith("chronicle-")) {
                    djlOnly.add(entry);
                }
            }
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, djlOnly), PlainDjlInference.class.getName(), out.toString(),
                "best", Integer.toString((Integer) best.config().values().get("width")))
                .redirectErrorStream(true).start();
            String output = new String(child.getInputStream().readAllBytes());
            assertTrue(child.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue(), output);
            String accuracy = output.lines().filter(l -> l.startsWith("accuracy ")).findFirst().orElseThrow();
            assertEquals(best.lastEpoch().metrics().accuracy(), Double.parseDouble(accuracy.substring(9)), 1e-12,
                "plain DJL, no Cerebro: " + output);
        }
    }
}
