// A random search and an ASHA search on the pure-Java trainable over MNIST, with cerebro-core alone.
// Run from the project root (see README.md for the class path): jshell --class-path "$CP" cerebro-examples/jshell/quickstart.jsh
import org.cerebro.*;
import org.cerebro.data.*;
import org.cerebro.space.*;
import org.cerebro.strategy.*;
import org.cerebro.train.*;

var mnist = java.nio.file.Path.of(System.getenv().getOrDefault("CEREBRO_DATA", "../shared/data"), "mnist");
var images = Datasets.idx(mnist.resolve("t10k-images-idx3-ubyte.gz"), mnist.resolve("t10k-labels-idx1-ubyte.gz"));
var split = images.split(0.2, 42);   // 8,000 to train, 2,000 to validate
var space = SearchSpace.of(MlpTrainable.LEARNING_RATE, HParam.choice("batch_size", 32, 64), HParam.choice("hidden", 0, 32));

var random = Cerebro.search(space).trainable(new MlpTrainable()).data(split.train(), split.validation()).
    strategy(Strategy.random(6, 2)).objective(Objective.maximize("accuracy")).seed(42).run();
System.out.println(random.leaderboardTable(3));

var asha = Cerebro.search(space).trainable(new MlpTrainable()).data(split.train(), split.validation()).
    strategy(Strategy.asha(1, 9, 3).maxTrials(12)).objective(Objective.maximize("accuracy")).seed(42).run();
System.out.println(asha.leaderboardTable(3));
/exit
