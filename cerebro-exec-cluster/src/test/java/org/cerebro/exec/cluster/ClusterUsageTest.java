package org.cerebro.exec.cluster;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.data.Dataset;
import org.cerebro.djl.DjlTrainable;
import org.cerebro.exec.Executor;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.cerebro.train.Trainable;
import org.junit.jupiter.api.Test;

/** Bad usage of the cluster executor gets clear errors, before any work starts. */
class ClusterUsageTest {
    private static void run(Executor executor, Trainable trainable) {
        try (Dataset train = MlpTrainableTest.blobs(100, 1); Dataset validation = MlpTrainableTest.blobs(40, 2)) {
            Cerebro.search(SearchSpace.of(HParam.choice("lr", 0.1))).trainable(trainable).data(train, validation)
                .strategy(Strategy.grid(1)).objective(Objective.maximize("accuracy")).executor(executor)
                .progress(false).run();
        }
    }

    @Test
    void addressesAreCheckedAtOnce() {
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
            () -> ClusterExecutor.connect("127.0.0.1:7601", "127.0.0.1:7602", "127.0.0.1:7601"));
        assertTrue(twice.getMessage().contains("127.0.0.1:7601 given twice"), twice.getMessage());
        IllegalArgumentException malformed = assertThrows(IllegalArgumentException.class,
            () -> ClusterExecutor.connect("localhost"));
        assertTrue(malformed.getMessage().contains("\"localhost\" expected host:port"), malformed.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClusterExecutor.connect("h:1").secret("short".getBytes()));
        assertThrows(IllegalArgumentException.class, () -> ClusterExecutor.connect("h:1").replicas(2));
    }

    @Test
    void anUnreachableWorkerIsNamed() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // free now, closed below: nobody listens there
        }
        String address = "127.0.0.1:" + port;
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> run(ClusterExecutor.connect(address).secret(WorkerProcesses.SECRET), new MlpTrainable()));
        assertTrue(e.getMessage().contains("cannot reach worker " + address), e.getMessage());
    }

    @Test
    void aWorkerAtAnotherProtocolVersionIsNamed() throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread speaker = new Thread(() -> {
                try (Socket socket = fake.accept()) {
                    OutputStream out = socket.getOutputStream();
                    out.write(ByteBuffer.allocate(FrameChannel.HEADER_BYTES + 32).order(ByteOrder.LITTLE_ENDIAN)
                        .putInt(FrameChannel.MAGIC).putShort((short) (FrameChannel.VERSION + 1)).putShort(MessageType.CHALLENGE.code)
                        .putLong(0)
                        .putInt(32).array());
                    out.flush();
                    socket.getInputStream().read();
                } catch (java.io.IOException ignored) {
                    // the coordinator hung up, as it should
                }
            });
            speaker.start();
            String address = "127.0.0.1:" + fake.getLocalPort();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> run(ClusterExecutor.connect(address).secret(WorkerProcesses.SECRET), new MlpTrainable()));
            assertTrue(e.getMessage().contains("worker " + address + " speaks protocol version " + (FrameChannel.VERSION + 1)
                + "; this coordinator speaks version " + FrameChannel.VERSION), e.getMessage());
            speaker.join(5_000);
        }
    }

    @Test
    void aLambdaModelFactoryIsRefusedWithWhy() {
        DjlTrainable lambda = new DjlTrainable(new org.cerebro.djl.ModelFactory() {
            @Override
            public String name() {
                return "anonymous";
            }

            @Override
            public ai.djl.nn.Block build(org.cerebro.space.Config config, org.cerebro.train.DataSpec data) {
                throw new UnsupportedOperationException();
            }

            @Override
            public ai.djl.ndarray.types.Shape inputShape(org.cerebro.space.Config config,
                                                         org.cerebro.train.DataSpec data) {
                throw new UnsupportedOperationException();
            }
        });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> run(ClusterExecutor.connect("127.0.0.1:9").secret(WorkerProcesses.SECRET), lambda));
        assertTrue(e.getMessage().contains("lambda or an anonymous or local class"), e.getMessage());
        assertTrue(e.getMessage().contains("use a built-in Zoo model"), e.getMessage());
        IllegalStateException noSecret = assertThrows(IllegalStateException.class,
            () -> run(ClusterExecutor.connect("127.0.0.1:9"), new MlpTrainable()));
        assertTrue(noSecret.getMessage().contains("no secret"), noSecret.getMessage());
    }
}
