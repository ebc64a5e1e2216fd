package org.cerebro.exec.spark;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * The function of one unit job, run by a Spark task on the executor the job's only partition
 * prefers: it hands the unit to the executor's {@link Resident} tables and returns the reply.
 * Spark serialises it with the job; its fields are Cerebro's own byte payloads ({@link UnitCodec})
 * and Spark's broadcast handles of the tables, so no Cerebro object crosses as a Java object.
 */
final class UnitTask implements FlatMapFunction<Iterator<Integer>, byte[]> {
    private static final long serialVersionUID = 1L;

    private final byte[] search;
    private final Broadcast<byte[][]>[] partitions;
    private final Broadcast<byte[][]> validation;
    private final byte[] unit;

    UnitTask(byte[] search, Broadcast<byte[][]>[] partitions, Broadcast<byte[][]> validation, byte[] unit) {
        this.search = search;
        this.partitions = partitions;
        this.validation = validation;
        this.unit = unit;
    }

    @Override
    public Iterator<byte[]> call(Iterator<Integer> ignored) {
        return List.of(Resident.INSTANCE.run(search, partitions, validation, unit)).iterator();
    }
}
