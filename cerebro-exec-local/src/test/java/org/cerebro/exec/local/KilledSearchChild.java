package org.cerebro.exec.local;

import java.nio.file.Path;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchBuilder;
import org.cerebro.SearchListener;
import org.cerebro.data.Dataset;
import org.cerebro.exec.UnitRecord;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.testing.TestData;
import org.cerebro.train.MlpTrainable;

/**
 * The searches {@link KillAndResumeTest} kills: Hyperband, or population-based training, over the
 * pure-Java MLP on 6,000 MNIST training images, 2 CPU workers, 4 partitions, recorded in an
 * experiment directory. As a main it prints one line per durable unit, flushed, so the parent
 * knows how far it got before the kill.
 */
final class KilledSearchChild {
    static final int WORKERS = 2;

    private KilledSearchChild() {
    }

    static Dataset train(Path data) {
        return TestData.mnistTrain(data).head(6_000);
    }

    static Dataset validation(Path data) {
        return TestData.mnistTest(data).head(2_000);
    }

    static SearchBuilder search(Dataset train, Dataset validation) {
        return search(train, validation, Strategy.hyperband(9, 3));
    }

    /** Population-based training: 6 trials, 4 epochs, takeovers after epochs 1, 2 and 3. */
    static SearchBuilder pbt(Dataset train, Dataset validation) {
        return search(train, validation, Strategy.pbt(6, 4).perturbationInterval(1));
    }

    private static SearchBuilder search(Dataset train, Dataset validation, Strategy strategy) {
        return Cerebro.search(SearchSpace.of(HParam.logUniform("lr", 0.02, 0.2), HParam.choice("hidden", 0, 32)))
            .trainable(new MlpTrainable()).data(train, validation).strategy(strategy)
            .objective(Objective.maximize("accuracy")).seed(3).partitions(4).executor(LocalExecutor.cpus(WORKERS))
            .progress(false);
    }

    /** Arguments: the data directory, the experiment directory, and {@code pbt} for {@link #pbt}. */
    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        try (Dataset train = train(data); Dataset validation = validation(data)) {
            boolean pbt = args.length > 2 && args[2].equals("pbt");
            (pbt ? pbt(train, validation) : search(train, validation)).experimentDir(Path.of(args[1])).listener(new SearchListener() {
                @Override
                public void unitDone(UnitRecord unit, int partitions) {
                    System.out.println("unit trial=" + unit.trialId() + " epoch=" + unit.epoch() + " partition="
                        + unit.partition());
                    System.out.flush();
                }
            }).run();
        }
        System.out.println("finished");
    }
}
