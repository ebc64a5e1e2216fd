package org.cerebro.djl;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.nn.Block;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cerebro.train.TrainableState;
import org.cerebro.train.TrainedModel;

/**
 * A DJL trial's trained model as a DJL {@link Model}: the block its {@link ModelFactory} builds,
 * with the trial's parameters. Save it in DJL's own format and load it back with plain DJL, no
 * Cerebro on the class path:
 *
 * <pre>{@code
 * // here
 * DjlModels.save(result.bestModel().orElseThrow(), Path.of("models"), "mnist-best");
 * // at inference time, plain DJL: build the same block (MlpFactory: flatten, then depth x (Linear(width),
 * // activation), then Linear(classes)), then
 * Model model = Model.newInstance("mnist-best");
 * model.setBlock(block);
 * model.load(Path.of("models"), "mnist-best");
 * }</pre>
 *
 * The optimizer's state is not part of a DJL model: it is for training on, which the
 * {@link TrainedModel} itself keeps. Stateless.
 */
public final class DjlModels {
    private DjlModels() {
    }

    /**
     * A new DJL model (the caller closes it) holding the trained block.
     *
     * @throws IllegalArgumentException when {@code trained} is not a DJL trial
     */
    public static Model toModel(TrainedModel trained, String name) {
        if (!(trained.trainable() instanceof DjlTrainable djl)) {
            throw new IllegalArgumentException("trial=" + trained.trialId() + " was trained by " + trained.trainable().name()
                + ", not by a DjlTrainable: it has no DJL model");
        }
        Block block = djl.factory().build(trained.config(), trained.data());
        Model model = Model.newInstance(name, PyTorchEngine.get().getEngineName());
        model.setBlock(block);
        try (TrainableState state = trained.restore()) {
            byte[] parameters = parameters((DjlState) state);
            block.initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32,
                djl.factory().inputShape(trained.config(), trained.data()));
            block.loadParameters(model.getNDManager(), new DataInputStream(new ByteArrayInputStream(parameters)));
        } catch (IOException | MalformedModelException e) {
            model.close();
            throw new IllegalStateException("cannot move trial=" + trained.trialId() + "'s parameters into a DJL model: "
                + e, e);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        model.setProperty("cerebro.trial", Integer.toString(trained.trialId()));
        model.setProperty("cerebro.config", trained.config().canonical());
        model.setProperty("cerebro.epochs", Integer.toString(trained.epochs()));
        return model;
    }

    private static byte[] parameters(DjlState state) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            state.block().saveParameters(out);
        }
        return bytes.toByteArray();
    }

    /**
     * Saves the trained block in DJL's format ({@code Model.save}: {@code <name>-0000.params} in
     * {@code dir}, the trial's config in its properties).
     */
    public static void save(TrainedModel trained, Path dir, String name) {
        try (Model model = toModel(trained, name)) {
            Files.createDirectories(dir);
            model.save(dir, name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save DJL model " + name + " in dir=" + dir, e);
        }
    }
}
