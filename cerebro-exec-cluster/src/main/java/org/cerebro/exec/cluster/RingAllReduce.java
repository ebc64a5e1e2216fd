package org.cerebro.exec.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cerebro.exec.AllReduce;

/**
 * A ring all-reduce between the k workers of a data-parallel epoch, over their authenticated
 * links: the gradient is cut into k slices; in the reduce-scatter, for k - 1 rounds, each rank
 * sends one slice's partial sum to the next rank and adds the one it receives from the previous,
 * so each slice ends fully summed at one rank; in the all-gather, for k - 1 more rounds, the
 * summed slices travel on around the ring. Every rank sends and receives {@code 2 (k-1)/k} of the
 * gradient per step (the bandwidth-optimal all-reduce), each slice is summed in one place in one
 * order (every rank gets the same bits; with two ranks, the same bits as the shared-memory sum,
 * float addition being commutative), and nothing passes through the coordinator. Each message
 * carries whether every rank's loss its sender knows of was finite, so after the all-gather every
 * rank knows whether all were.
 *
 * <p>Sends go through a writer thread while the caller reads, so two ranks sending slices larger
 * than the sockets' buffers to each other cannot deadlock. Not thread-safe: one rank's thread.
 */
final class RingAllReduce implements AllReduce, AutoCloseable {
    private final long group;
    private final int rank;
    private final int ranks;
    private final FrameChannel left;
    private final FrameChannel right;
    private final long readTimeoutMillis;
    private final int maxFrameBytes;
    private final ExecutorService writer;
    private final MemoryBudget budget;
    private int step;

    /** @param budget where the left link's frames are reserved as they arrive (released here), or null */
    RingAllReduce(long group, int rank, int ranks, FrameChannel left, FrameChannel right, long readTimeoutMillis,
                  int maxFrameBytes, MemoryBudget budget) {
        this.budget = budget;
        this.group = group;
        this.rank = rank;
        this.ranks = ranks;
        this.left = left;
        this.right = right;
        this.readTimeoutMillis = readTimeoutMillis;
        this.maxFrameBytes = maxFrameBytes;
        this.writer = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cerebro-ring-" + group + "-" + rank);
            thread.setDaemon(true);
            return thread;
        });
    }

    private int slice(int index) {
        return Math.floorMod(index, ranks);
    }

    private static int from(int length, int ranks, int slice) {
        return (int) ((long) length * slice / ranks);
    }

    @Override
    public float[] sum(float[] gradient, double loss) throws IOException {
        boolean finite = Double.isFinite(loss);
        for (int round = 0; round < ranks - 1; round++) { // reduce-scatter
            finite &= exchange(gradient, 0, slice(rank - round), slice(rank - round - 1), finite, true);
        }
        for (int round = 0; round < ranks - 1; round++) { // all-gather
            finite &= exchange(gradient, 1, slice(rank - round + 1), slice(rank - round), finite, false);
        }
        step++;
        return finite ? gradient : null;
    }

    /** Sends slice {@code send} to the right, receives slice {@code receive} from the left (added, or copied). */
    private boolean exchange(float[] gradient, int phase, int send, int receive, boolean finite, boolean add)
        throws IOException {
        int sendFrom = from(gradient.length, ranks, send);
        int sendTo = from(gradient.length, ranks, send + 1);
        ByteBuffer out = ByteBuffer.allocate(4 * (sendTo - sendFrom)).order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(gradient, sendFrom, sendTo - sendFrom);
        Message.GradientChunk chunk = new Message.GradientChunk(group, step, phase, send, finite, out.array());
        Future<?> sent = writer.submit(() -> {
            right.write(chunk, 0);
            return null;
        });
        Frame frame = left.read(maxFrameBytes, readTimeoutMillis);
        Message message;
        try {
            message = Message.decode(frame, RingAllReduce.class.getClassLoader());
        } finally {
            if (budget != null) {
                budget.release(frame.payload().length);
            }
        }
        if (!(message instanceof Message.GradientChunk in) || in.group() != group || in.step() != step
            || in.phase() != phase || in.slice() != receive) {
            throw new ProtocolException("rank " + rank + " of data-parallel group " + group + " expected step " + step
                + " phase " + phase + " slice " + receive + " from " + left.peer() + ", got " + message.type()
                + (message instanceof Message.GradientChunk c ? " step " + c.step() + " phase " + c.phase()
                + " slice " + c.slice() : ""));
        }
        int receiveFrom = from(gradient.length, ranks, receive);
        int receiveTo = from(gradient.length, ranks, receive + 1);
        if (in.floats().length != 4 * (receiveTo - receiveFrom)) {
            throw new ProtocolException("rank " + rank + ": slice " + receive + " from " + left.peer() + " has "
                + in.floats().length + " bytes, expected " + 4 * (receiveTo - receiveFrom));
        }
        java.nio.FloatBuffer values = ByteBuffer.wrap(in.floats()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        if (add) {
            for (int i = receiveFrom; i < receiveTo; i++) {
                gradient[i] = values.get() + gradient[i];
            }
        } else {
            values.get(gradient, receiveFrom, receiveTo - receiveFrom);
        }
        try {
            sent.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending to " + right.peer(), e);
        }
        return in.finite();
    }

    @Override
    public void close() {
        writer.shutdownNow();
        left.close();
        right.close();
    }
}
