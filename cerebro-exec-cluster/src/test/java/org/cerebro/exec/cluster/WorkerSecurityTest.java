package org.cerebro.exec.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.RunningSearch;
import org.cerebro.SearchBuilder;
import org.cerebro.data.Dataset;
import org.cerebro.exec.Executor;
import org.cerebro.exec.SequentialExecutor;
import org.cerebro.train.WorkerDevice;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker facing bad peers over real sockets: wrong secrets, silence, slow loris, oversized and
 * truncated frames, other versions and fuzzed garbage are all dropped, and through all of it the
 * worker keeps serving a legitimate coordinator's search to the right results.
 */
class WorkerSecurityTest {
    private static final long HANDSHAKE_TIMEOUT_MS = 400;

    private WorkerDaemon daemon;
    private Dataset train;
    private Dataset validation;

    @BeforeEach
    void start(@TempDir Path workDir) {
        daemon = WorkerDaemon.start(new WorkerDaemon.Settings(new InetSocketAddress("127.0.0.1", 0),
            WorkerProcesses.SECRET, workDir, WorkerDevice.CPU, 1, HANDSHAKE_TIMEOUT_MS, 60_000, 64 << 20));
        train = MlpTrainableTest.blobs(800, 1);
        validation = MlpTrainableTest.blobs(200, 2);
    }

    @AfterEach
    void stop() {
        daemon.close();
        train.close();
        validation.close();
    }

    private SearchBuilder search(Executor executor) {
        return Cerebro.search(SearchSpace.of(HParam.choice("lr", 0.02, 0.1), HParam.choice("hidden", 0, 8)))
            .trainable(new MlpTrainable()).data(train, validation).strategy(Strategy.grid(4))
            .objective(Objective.maximize("accuracy")).seed(3).partitions(2).executor(executor).progress(false);
    }

    /** A legitimate search on the worker, started now; check it with {@link #assertServed}. */
    private RunningSearch legitimateSearch() {
        return search(ClusterExecutor.connect(daemon.address()).secret(WorkerProcesses.SECRET)).build().start();
    }

    /** The search started before the attacks, and a new one after them, both get the right results. */
    private void assertServed(RunningSearch search) throws Exception {
        List<org.cerebro.TrialResult> expected = search(new SequentialExecutor()).run().trials();
        assertEquals(expected, search.await(Duration.ofMinutes(2)).trials(),
            "the legitimate coordinator was served correctly during the attacks");
        assertEquals(expected, legitimateSearch().await(Duration.ofMinutes(2)).trials(),
            "and is served after them");
    }

    private Socket connect() throws IOException {
        String[] hostPort = daemon.address().split(":");
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 2_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static byte[] header(int magic, int version, int type, long correlation, int length) {
        return ByteBuffer.allocate(FrameChannel.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(magic)
            .putShort((short) version).putShort((short) type).putLong(correlation).putInt(length).array();
    }

    /** Reads everything until the worker closes the connection; fails if it does not within 10 s. */
    private static byte[] readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // closed with unread data on our side: also closed
        }
        return all.toByteArray();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void aWrongSecretIsRejectedBeforeAnythingElseIsRead() throws Exception {
        RunningSearch legit = legitimateSearch();
        try (Socket socket = connect()) {
            byte[] challenge = socket.getInputStream().readNBytes(FrameChannel.HEADER_BYTES + Handshake.NONCE_BYTES);
            byte[] nonce = java.util.Arrays.copyOfRange(challenge, FrameChannel.HEADER_BYTES, challenge.length);
            byte[] wrong = Handshake.coordinatorProof("not-the-secret-but-long-enough".getBytes(), nonce, new byte[32]);
            OutputStream out = socket.getOutputStream();
            out.write(header(FrameChannel.MAGIC, FrameChannel.VERSION, MessageType.AUTH.code, 0, 64));
            out.write(new byte[32]);
            out.write(wrong);
            out.flush();
            // the reply to the wrong proof is an error, then the end of the connection: nothing
            // sent after the proof can be read by the worker any more
            String reply = text(readUntilClosed(socket));
            assertTrue(reply.contains("authentication failed: wrong secret"), reply);
            assertTrue(!reply.contains("SETUP"), reply);
        }
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> search(
            ClusterExecutor.connect(daemon.address()).secret("another-secret-0123456789".getBytes())).run());
        assertTrue(refused.getMessage().contains("authentication failed"), refused.getMessage());
        assertServed(legit);
    }

    @Test
    void aSilentPeerAndASlowLorisAreDroppedAfterTheTimeout() throws Exception {
        RunningSearch legit = legitimateSearch();
        try (Socket silent = connect(); Socket slow = connect()) {
            long start = System.nanoTime();
            Thread trickle = new Thread(() -> {
                try {
                    byte[] frame = header(FrameChannel.MAGIC, FrameChannel.VERSION, MessageType.AUTH.code, 0, 64);
                    for (byte b : frame) {
                        slow.getOutputStream().write(b); // one byte every 100 ms: never a whole frame in time
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // dropped, as it should be
                }
            });
            trickle.start();
            readUntilClosed(silent);
            readUntilClosed(slow);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds >= HANDSHAKE_TIMEOUT_MS / 1000.0 * 0.9 && seconds < 5, "dropped after " + seconds + " s");
            trickle.join();
        }
        assertServed(legit);
    }

    @Test
    void oversizedTruncatedAndWrongVersionFramesAreRejected() throws Exception {
        RunningSearch legit = legitimateSearch();
        try (Socket socket = connect()) {
            socket.getInputStream().readNBytes(FrameChannel.HEADER_BYTES + Handshake.NONCE_BYTES);
            socket.getOutputStream().write(header(FrameChannel.MAGIC, FrameChannel.VERSION, MessageType.AUTH.code, 0, Integer.MAX_VALUE));
            String reply = text(readUntilClosed(socket));
            assertTrue(reply.contains("length 2147483647, expected 0..256"), reply);
        }
        try (Socket socket = connect()) {
            socket.getInputStream().readNBytes(FrameChannel.HEADER_BYTES + Handshake.NONCE_BYTES);
            socket.getOutputStream().write(header(FrameChannel.MAGIC, FrameChannel.VERSION, MessageType.AUTH.code, 0, 64));
            socket.getOutputStream().write(new byte[20]); // 20 of 64 bytes, then nothing
            socket.shutdownOutput();
            readUntilClosed(socket);
        }
        try (Socket socket = connect()) {
            socket.getInputStream().readNBytes(FrameChannel.HEADER_BYTES + Handshake.NONCE_BYTES);
            socket.getOutputStream().write(header(FrameChannel.MAGIC, FrameChannel.VERSION + 1, MessageType.AUTH.code, 0,
                64));
            String reply = text(readUntilClosed(socket));
            assertTrue(reply.contains("this worker speaks protocol version " + FrameChannel.VERSION + ", you sent version "
                + (FrameChannel.VERSION + 1)), reply);
        }
        try (Socket socket = connect()) {
            socket.getInputStream().readNBytes(FrameChannel.HEADER_BYTES + Handshake.NONCE_BYTES);
            // exactly one header's worth, so the worker has read everything sent when it hangs up
            // (unread bytes would turn its close into a reset that can swallow the error reply)
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost".getBytes());
            String reply = text(readUntilClosed(socket));
            assertTrue(reply.contains("not a Cerebro peer"), reply);
        }
        assertServed(legit);
    }

    @Test
    void fuzzedFramesNeverHarmTheWorker() throws Exception {
        RunningSearch legit = legitimateSearch();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        qt().withExamples(150).withFixedSeed(11).forAll(
                lists().of(integers().between(0, 255)).ofSizeBetween(0, 120),
                integers().between(0, 4))
            .checkAssert((bytes, shape) -> {
                if (System.nanoTime() > deadline) {
                    return; // bounded in time as well as count
                }
                try (Socket socket = connect()) {
                    socket.getInputStream().readNBytes(FrameChannel.HEADER_BYTES + Handshake.NONCE_BYTES);
                    byte[] garbage = new byte[bytes.size()];
                    for (int i = 0; i < garbage.length; i++) {
                        garbage[i] = (byte) (int) bytes.get(i);
                    }
                    OutputStream out = socket.getOutputStream();
                    if (shape > 0) { // a well-formed header in front of the garbage, to reach deeper checks
                        int type = List.of(MessageType.AUTH, MessageType.SETUP, MessageType.TRAIN_UNIT,
                            MessageType.HEARTBEAT).get(shape - 1).code;
                        out.write(header(FrameChannel.MAGIC, FrameChannel.VERSION, type, 0, garbage.length));
                    }
                    out.write(garbage);
                    socket.shutdownOutput();
                    readUntilClosed(socket); // the worker must close it: none of this authenticates
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        assertServed(legit);
    }
}
