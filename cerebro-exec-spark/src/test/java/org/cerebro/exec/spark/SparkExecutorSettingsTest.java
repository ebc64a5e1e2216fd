package org.cerebro.exec.spark;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.data.Dataset;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Settings a Spark executor refuses before any work starts, each with a message saying what to change. */
class SparkExecutorSettingsTest {
    private static SparkContext local;

    @BeforeAll
    static void start() {
        local = new SparkContext(new SparkConf().setMaster("local[1]").setAppName("cerebro-settings")
            .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1"));
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.stop();
        }
    }

    private static String failure(SparkExecutor executor) {
        try (Dataset train = MlpTrainableTest.blobs(100, 1); Dataset validation = MlpTrainableTest.blobs(50, 2)) {
            return assertThrows(RuntimeException.class, () -> Cerebro.search(SearchSpace.of(HParam.choice("lr", 0.1)))
                .trainable(new MlpTrainable()).data(train, validation).strategy(Strategy.grid(1))
                .objective(Objective.maximize("accuracy")).executor(executor).progress(false).run()).getMessage();
        }
    }

    @Test
    void aLocalMasterHasNoExecutorsAndSaysWhatToUseInstead() {
        String message = failure(SparkExecutor.on(local).workers(2));
        assertTrue(message.contains("local[1]") && message.contains("LocalExecutor"), message);
    }

    @Test
    void badArgumentsAreRefusedAtOnce() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SparkExecutor.on(local).workers(0)).getMessage()
            .contains("workers=0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SparkExecutor.on(local).residentBytes(0))
            .getMessage().contains("residentBytes=0"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> SparkExecutor.on(local).registrationTimeout(Duration.ZERO)).getMessage().contains("registrationTimeout"));
    }

    @Test
    void dynamicAllocationThatMayRemoveTheWorkersExecutorsIsRefused() {
        SparkConf conf = new SparkConf().set("spark.dynamicAllocation.enabled", "true");
        String message = SparkExecutor.refusal(conf, 4);
        assertTrue(message.contains("spark.dynamicAllocation.minExecutors=0") && message.contains(">= 4"), message);
        assertTrue(SparkExecutor.refusal(conf.set("spark.dynamicAllocation.minExecutors", "4"), 4) == null);
        assertTrue(SparkExecutor.refusal(new SparkConf(), 4) == null);
    }

    @Test
    void theExecutorsJavaOptionsAreCerebrosJvmOptions() {
        String options = SparkExecutor.executorJavaOptions();
        assertTrue(options.contains("--add-opens=java.base/java.lang=ALL-UNNAMED") && options.contains("-Dai.djl.offline=true"),
            options);
    }
}
