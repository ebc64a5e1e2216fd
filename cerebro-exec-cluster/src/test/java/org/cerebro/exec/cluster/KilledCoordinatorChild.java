package org.cerebro.exec.cluster;

import java.nio.file.Path;
import org.cerebro.SearchBuilder;
import org.cerebro.SearchListener;
import org.cerebro.data.Dataset;
import org.cerebro.exec.UnitRecord;
import org.cerebro.train.MlpTrainable;

/**
 * The coordinator {@link CoordinatorCrashTest} kills: {@link ClusterFaultTest}'s MNIST search on
 * the cluster whose addresses it is given, recorded in an experiment directory (with
 * {@code -Dcerebro.test.slow=true}, passes wait 400 ms before they read: {@link WatchedSlowMlp}).
 * Prints one line per durable unit, flushed.
 */
final class KilledCoordinatorChild {
    private KilledCoordinatorChild() {
    }

    /** Arguments: the data directory, the experiment directory, the secret file, the worker addresses. */
    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        String[] addresses = java.util.Arrays.copyOfRange(args, 3, args.length);
        try (Dataset train = ClusterFaultTest.train(data); Dataset validation = ClusterFaultTest.validation(data)) {
            SearchBuilder search = ClusterFaultTest.search(train, validation,
                ClusterExecutor.connect(addresses).secretFile(Path.of(args[2])),
                Boolean.getBoolean("cerebro.test.slow") ? new WatchedSlowMlp() : new MlpTrainable());
            search.experimentDir(Path.of(args[1])).listener(new SearchListener() {
                @Override
                public void unitDone(UnitRecord unit, int partitions) {
                    System.out.println("unit trial=" + unit.trialId() + " epoch=" + unit.epoch());
                    System.out.flush();
                }
            }).run();
        }
        System.out.println("finished");
    }
}
