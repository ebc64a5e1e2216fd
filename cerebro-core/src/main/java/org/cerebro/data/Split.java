package org.cerebro.data;

/**
 * A seeded random split of a dataset into a training table and a validation table.
 * Closing closes both.
 *
 * @param train      the training records
 * @param validation the validation records
 */
public record Split(Dataset train, Dataset validation) implements AutoCloseable {

    static Split of(Dataset source, double validationFraction, long seed, Storage storage) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction=" + validationFraction + " expected in (0, 1)");
        }
        int n = source.size();
        int validationSize = (int) Math.round(n * validationFraction);
        validationSize = Math.max(1, Math.min(n - 1, validationSize));
        if (n < 2) {
            throw new DataException("source=" + source.name() + " records=" + n
                + ": a split needs at least 2 records");
        }
        int[] permutation = Shuffle.permutation(n, seed);
        Dataset validation = source.select(source.name() + "/validation", permutation, 0, validationSize, storage);
        try {
            Dataset train = source.select(source.name() + "/train", permutation, validationSize, n, storage);
            return new Split(train, validation);
        } catch (RuntimeException e) {
            validation.close();
            throw e;
        }
    }

    @Override
    public void close() {
        train.close();
        validation.close();
    }
}
