package org.cerebro.exec.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.RunningSearch;
import org.cerebro.SearchBuilder;
import org.cerebro.SearchListener;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.exec.Executor;
import org.cerebro.exec.SequentialExecutor;
import org.cerebro.exec.UnitRecord;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.TrainableSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cluster under attack and faults, with real worker JVMs, sockets, signals and files: every
 * attack is contained and every fault ends in the fault-free results, or in an error that names
 * what happened. One test per failure the cluster had (issue 15).
 */
class ClusterHardeningTest {
    private static final Duration AWAIT = Duration.ofMinutes(3);

    /** Gaussian blobs of {@code width} features around 3 class centres: wide ones make partitions of megabytes. */
    static Dataset wide(int records, int width, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        SplittableRandom centres = new SplittableRandom(99);
        float[][] means = new float[3][width];
        for (float[] mean : means) {
            for (int c = 0; c < width; c++) {
                mean[c] = (float) centres.nextGaussian();
            }
        }
        float[][] features = new float[records][width];
        int[] labels = new int[records];
        for (int r = 0; r < records; r++) {
            labels[r] = random.nextInt(3);
            for (int c = 0; c < width; c++) {
                features[r][c] = means[labels[r]][c] + (float) random.nextGaussian() * 2;
            }
        }
        return Datasets.fromArrays(features, labels, 3);
    }

    private static SearchBuilder search(Dataset train, Dataset validation, Executor executor, int hidden) {
        return search(train, validation, executor, hidden, 4);
    }

    private static SearchBuilder search(Dataset train, Dataset validation, Executor executor, int hidden,
                                        int partitions) {
        return Cerebro.search(SearchSpace.of(HParam.choice("lr", 0.02, 0.05), HParam.constant("hidden", hidden)))
            .trainable(new MlpTrainable()).data(train, validation).strategy(Strategy.grid(2))
            .objective(Objective.maximize("accuracy")).seed(11).partitions(partitions).executor(executor)
            .progress(false);
    }

    private static List<org.cerebro.TrialResult> sequential(Dataset train, Dataset validation, int hidden) {
        return search(train, validation, new SequentialExecutor(), hidden).run().trials();
    }

    private static ClusterExecutor cluster(String... addresses) {
        return ClusterExecutor.connect(addresses).secret(WorkerProcesses.SECRET);
    }

    private static long count(String text, String part) {
        return text.lines().filter(line -> line.contains(part)).count();
    }

    private static Socket connect(String address, String from) throws IOException {
        int colon = address.lastIndexOf(':');
        Socket socket = new Socket();
        if (from != null) {
            socket.bind(new InetSocketAddress(from, 0));
        }
        socket.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
            5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Every frame the peer sends until it closes the connection. */
    private static List<Message> readUntilClosed(FrameChannel channel) throws IOException {
        List<Message> frames = new ArrayList<>();
        try {
            while (true) {
                frames.add(Message.decode(channel.read(1 << 20, 10_000), ClusterHardeningTest.class.getClassLoader()));
            }
        } catch (EOFException | SocketException closed) {
            return frames;
        }
    }

    // 1. Lock-out

    @Test
    void fiveHundredIdleUnauthenticatedSocketsNeverLockOutACoordinator(@TempDir Path tmp) throws Exception {
        try (Dataset train = wide(800, 5, 1); Dataset validation = wide(200, 5, 2);
             WorkerProcesses workers = WorkerProcesses.start(tmp, 1)) {
            List<Socket> idle = new ArrayList<>();
            AtomicBoolean attacking = new AtomicBoolean(true);
            Thread churn = new Thread(() -> { // and more keep coming while the coordinator connects
                while (attacking.get()) {
                    try {
                        Socket socket = connect(workers.address(0), "127.0.0.2");
                        synchronized (idle) {
                            idle.add(socket);
                        }
                        Thread.sleep(10);
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                for (int i = 0; i < 500; i++) { // from two addresses other than the coordinator's
                    Socket socket = connect(workers.address(0), i % 2 == 0 ? "127.0.0.2" : "127.0.0.3");
                    synchronized (idle) {
                        idle.add(socket);
                    }
                }
                churn.start();
                SearchResult result = search(train, validation, cluster(workers.addresses()), 0).run();
                assertEquals(sequential(train, validation, 0), result.trials());
            } finally {
                attacking.set(false);
                churn.join();
                for (Socket socket : idle) {
                    socket.close();
                }
            }
            String log = workers.log(0);
            assertTrue(count(log, "still unauthenticated") <= 3, "over 500 refusals, logged at a bounded rate:\n" + log);
        }
    }

    // 5. Wrong secrets

    @Test
    void wrongSecretsAreThrottledPerAddressAndEachGetsOneErrorFrame(@TempDir Path tmp) throws Exception {
        try (Dataset train = wide(800, 5, 1); Dataset validation = wide(200, 5, 2);
             WorkerProcesses workers = WorkerProcesses.start(tmp, 1)) {
            int challenged = 0;
            int toldToWait = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < end) {
                try (Socket socket = connect(workers.address(0), null)) {
                    FrameChannel channel = new FrameChannel(socket, null, 2_000);
                    Frame first = channel.read(FrameChannel.MAX_HANDSHAKE_PAYLOAD, 5_000);
                    if (first.type() == MessageType.RETRY_LATER) {
                        toldToWait++;
                        continue;
                    }
                    assertEquals(MessageType.CHALLENGE, first.type());
                    challenged++;
                    channel.write(new Message.Auth(Handshake.nonce(), new byte[Handshake.PROOF_BYTES]), 0);
                    List<Message> replies = readUntilClosed(channel);
                    assertEquals(1, replies.size(), "one reply to a wrong proof: " + replies);
                    assertTrue(replies.get(0) instanceof Message.Error, replies.toString());
                }
            }
            // back-off doubles from 100 ms: attempts at about 0, 0.1, 0.3, 0.7 and 1.5 s get to try a proof
            assertTrue(challenged >= 3 && challenged <= 8, "proofs tried in 2 s: " + challenged);
            assertTrue(toldToWait > challenged, "the other attempts were told to retry later: " + toldToWait);
            // a coordinator from the same address with the right secret waits out the back-off and gets in
            SearchResult result = search(train, validation, cluster(workers.addresses()), 0).run();
            assertEquals(sequential(train, validation, 0), result.trials());
            String log = workers.log(0);
            assertTrue(count(log, "WARN") <= 6, "a bounded number of log lines:\n" + log);
        }
    }

    // 2. Frames after the handshake are authenticated

    @ParameterizedTest
    @EnumSource(value = TamperingProxy.Mode.class, names = {"ALTER", "REPLAY"})
    void anAlteredOrReplayedFrameEndsItsSessionAndTheSearchStillGetsItsResults(TamperingProxy.Mode mode,
                                                                              @TempDir Path tmp) throws Exception {
        try (Dataset train = wide(800, 5, 1); Dataset validation = wide(200, 5, 2);
             WorkerProcesses workers = WorkerProcesses.start(tmp, 2);
             TamperingProxy proxy = new TamperingProxy(workers.address(0), mode)) {
            ClusterExecutor executor = cluster(proxy.address(), workers.address(1)).replicas(2)
                .heartbeatTimeout(Duration.ofSeconds(1));
            SearchResult result = search(train, validation, executor, 0).run();
            assertTrue(proxy.tampered(), "a unit went through the proxy");
            assertEquals(sequential(train, validation, 0), result.trials(), "the results are the fault-free ones");
            String log = workers.log(0);
            assertTrue(log.contains("whose tag does not match: altered, replayed, reordered"), log);
            assertTrue(result.warnings().stream().anyMatch(w -> w.startsWith("worker 0 ") && w.contains(" lost: ")),
                "the user is told: " + result.warnings());
        }
    }

    // 3. Memory and disk

    private static byte[] header(MessageType type, int length) {
        return ByteBuffer.allocate(FrameChannel.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(FrameChannel.MAGIC)
            .putShort(FrameChannel.VERSION).putShort(type.code).putLong(1).putInt(length).array();
    }

    @Test
    void headersClaimingHugeFramesAllocateNothingAndPayloadMemoryIsBudgeted(@TempDir Path tmp) throws Exception {
        try (Dataset train = wide(800, 5, 1); Dataset validation = wide(200, 5, 2);
             WorkerProcesses workers = new WorkerProcesses(tmp)) {
            // -Xmx1g; frames up to 256 MiB; at most 300 MiB of payloads held at once
            workers.startOne(tmp.resolve("w"), "127.0.0.1:0", "--max-frame-mb", "256", "--max-memory-mb", "300");
            List<Socket> liars = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) { // 6 x 250 MiB claimed, 1.5 GiB: more than the heap if allocated up front
                    Socket socket = connect(workers.address(0), null);
                    liars.add(socket);
                    Handshake.authenticateToWorker(new FrameChannel(socket, null, 5_000), WorkerProcesses.SECRET, 5_000);
                    OutputStream out = socket.getOutputStream();
                    out.write(header(MessageType.TRAIN_UNIT, 250 << 20));
                    try {
                        for (int mb = 0; mb < 16; mb++) { // of which 16 MiB sent: 96 MiB held in all
                            out.write(new byte[1 << 20]);
                        }
                        out.flush();
                    } catch (IOException e) {
                        throw new AssertionError("the worker dropped a connection within its limits:\n" + workers.log(0), e);
                    }
                }
                Socket greedy = connect(workers.address(0), null);
                liars.add(greedy);
                FrameChannel channel = new FrameChannel(greedy, null, 5_000);
                Handshake.authenticateToWorker(channel, WorkerProcesses.SECRET, 5_000);
                Thread streamer = new Thread(() -> { // 250 MiB more: past the 300 MiB budget
                    try {
                        OutputStream out = greedy.getOutputStream();
                        out.write(header(MessageType.TRAIN_UNIT, 250 << 20));
                        for (int mb = 0; mb < 250; mb++) {
                            out.write(new byte[1 << 20]);
                        }
                        out.flush();
                    } catch (IOException e) {
                        // the worker closed the connection: expected
                    }
                });
                streamer.start();
                List<Message> replies = readUntilClosed(channel);
                streamer.join();
                assertTrue(replies.size() == 1 && replies.get(0) instanceof Message.Error error
                    && error.message().contains("more bytes but the worker holds"), replies.toString());
                SearchResult result = search(train, validation, cluster(workers.addresses()), 0).run();
                assertEquals(sequential(train, validation, 0), result.trials(), "and it serves a coordinator");
            } finally {
                for (Socket socket : liars) {
                    socket.close();
                }
            }
            assertTrue(workers.process(0).isAlive());
            assertTrue(!workers.log(0).contains("OutOfMemoryError"), workers.log(0));
        }
    }

    private static long partitionBytes(Path workDir) throws IOException {
        try (Stream<Path> files = Files.list(workDir.resolve("partitions"))) {
            return files.mapToLong(file -> file.toFile().length()).sum();
        }
    }

    @Test
    void partitionsAreEvictedUnderTheDiskBudgetAndOneThatCannotFitIsRefusedNamingIt(@TempDir Path tmp)
        throws Exception {
        long budget = 3L << 20;
        try (Dataset first = wide(2000, 200, 1); Dataset second = wide(2000, 200, 3);
             Dataset validation = wide(500, 200, 2); Dataset huge = wide(6000, 200, 4);
             WorkerProcesses workers = new WorkerProcesses(tmp)) {
            assertTrue(first.sizeInBytes() + validation.sizeInBytes() < budget
                && first.sizeInBytes() + second.sizeInBytes() + validation.sizeInBytes() > budget);
            Path workDir = tmp.resolve("w");
            workers.startOne(workDir, "127.0.0.1:0", "--disk-budget-mb", "3");
            assertEquals(sequential(first, validation, 0),
                search(first, validation, cluster(workers.addresses()), 0).run().trials());
            assertEquals(sequential(second, validation, 0),
                search(second, validation, cluster(workers.addresses()), 0).run().trials());
            assertTrue(partitionBytes(workDir) <= budget, "stored: " + partitionBytes(workDir));
            assertTrue(workers.log(0).contains("least recently used) to make room"), workers.log(0));
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> search(huge, validation, cluster(workers.addresses()), 0, 1).run());
            assertTrue(refused.getMessage().contains("disk budget is " + budget + " bytes (--disk-budget-mb)"),
                refused.getMessage());
        }
    }

    // 8. Damaged partitions

    @Test
    void aDamagedPartitionFileIsFoundAndSentAgain(@TempDir Path tmp) throws Exception {
        try (Dataset train = wide(2000, 50, 1); Dataset validation = wide(500, 50, 2);
             WorkerProcesses workers = new WorkerProcesses(tmp)) {
            Path workDir = tmp.resolve("w");
            workers.startOne(workDir, "127.0.0.1:0");
            List<org.cerebro.TrialResult> expected = sequential(train, validation, 0);
            assertEquals(expected, search(train, validation, cluster(workers.addresses()), 0).run().trials());
            Path damaged;
            try (Stream<Path> files = Files.list(workDir.resolve("partitions"))) {
                damaged = files.max(Comparator.comparingLong(file -> file.toFile().length())).orElseThrow();
            }
            try (FileChannel file = FileChannel.open(damaged, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer one = ByteBuffer.allocate(1);
                file.read(one, file.size() / 2);
                one.put(0, (byte) (one.get(0) ^ 0x40)); // one bit, as a failing disk would flip it
                file.write(one.flip(), file.size() / 2);
            }
            ClusterExecutor again = cluster(workers.addresses());
            assertEquals(expected, search(train, validation, again, 0).run().trials(), "same results, not silently others");
            assertTrue(workers.log(0).contains("partition file " + damaged + " is damaged"), workers.log(0));
            assertTrue(again.bytesSent() > 0, "the damaged partition was sent again");
        }
    }

    // 6 and 7. A worker stopped or killed while its data is sent

    @ParameterizedTest
    @ValueSource(strings = {"STOP", "KILL"})
    void aWorkerStoppedOrKilledDuringSetupIsDroppedAndTheSearchRunsOnTheOthers(String signal, @TempDir Path tmp)
        throws Exception {
        try (Dataset train = wide(60_000, 500, 1); Dataset validation = wide(500, 500, 2);
             WorkerProcesses workers = WorkerProcesses.start(tmp, 3)) {
            long pid = workers.process(2).pid();
            ClusterExecutor executor = cluster(workers.addresses()).writeTimeout(Duration.ofSeconds(1))
                .heartbeatTimeout(Duration.ofSeconds(1));
            RunningSearch running = search(train, validation, executor, 0).build().start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!workers.log(2).contains("receiving partition")) { // 30 MB partitions are on their way
                assertTrue(System.nanoTime() < deadline, workers.log(2));
                Thread.sleep(1);
            }
            WorkerProcesses.signal(signal, pid);
            try {
                SearchResult result = running.await(AWAIT);
                assertEquals(sequential(train, validation, 0), result.trials(), "the results are the fault-free ones");
                assertTrue(result.units().stream().noneMatch(unit -> unit.worker() == 2), "nothing ran on worker 2");
                String why = result.warnings().stream().filter(w -> w.startsWith("worker 2 ")).findFirst().orElseThrow();
                assertTrue(why.contains("could not be set up"), why);
                if (signal.equals("STOP")) {
                    assertTrue(why.contains("did not take a") && why.contains("it stopped reading"), "the write deadline: " + why);
                }
            } finally {
                if (signal.equals("STOP")) {
                    WorkerProcesses.signal("CONT", pid);
                }
            }
        }
    }

    // 9. Rejoining over a slow link

    @Test
    void aRejoiningWorkerWhoseDataTakesLongerThanTheHeartbeatIsNotDroppedAgain(@TempDir Path tmp) throws Exception {
        try (Dataset train = wide(4_000, 400, 1); Dataset validation = wide(1_000, 400, 2);
             WorkerProcesses workers = WorkerProcesses.start(tmp, 3);
             TamperingProxy slow = new TamperingProxy(workers.address(2), TamperingProxy.Mode.THROTTLE)) {
            String address = workers.address(2);
            // one copy of each partition: the search cannot end without worker 2's, so it must come back
            ClusterExecutor executor = cluster(workers.address(0), workers.address(1), slow.address()).replicas(1)
                .heartbeatTimeout(Duration.ofSeconds(1));
            AtomicInteger units = new AtomicInteger();
            AtomicInteger restarted = new AtomicInteger(-1);
            SearchResult result = search(train, validation, executor, 0).listener(new SearchListener() {
                @Override
                public void unitDone(UnitRecord unit, int partitions) {
                    if (units.incrementAndGet() == 3) { // back on an empty work dir: all its data is sent again
                        try {
                            workers.kill(2);
                            restarted.set(workers.startOne(tmp.resolve("fresh"), address));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            }).build().start().await(AWAIT);
            assertEquals(sequential(train, validation, 0), result.trials());
            long placed = (train.sizeInBytes() / 4 + validation.sizeInBytes()) * 1000 / TamperingProxy.THROTTLE_BYTES_PER_SECOND;
            assertTrue(placed > 1_000, "its data takes " + placed + " ms to send, longer than the heartbeat timeout");
            List<String> about2 = result.warnings().stream().filter(w -> w.startsWith("worker 2 ")).toList();
            assertEquals(2, about2.size(), "lost once, rejoined once, not dropped again: " + about2);
            assertTrue(about2.get(0).contains(" lost: ") && about2.get(1).contains("rejoined"), about2.toString());
            assertTrue(workers.log(restarted.get()).contains("authenticated"));
        }
    }

    // 10. SIGTERM: finish, report, close

    @Test
    void sigtermLetsTheUnitInFlightFinishAndReportsItBeforeClosing(@TempDir Path tmp) throws Exception {
        try (Dataset train = wide(16_000, 400, 1); Dataset validation = wide(500, 400, 2);
             WorkerProcesses workers = WorkerProcesses.start(tmp, 2)) {
            ClusterExecutor executor = cluster(workers.addresses()).replicas(2);
            AtomicInteger units = new AtomicInteger();
            AtomicBoolean sent = new AtomicBoolean();
            SearchResult result = search(train, validation, executor, 64).listener(new SearchListener() {
                @Override
                public void unitDone(UnitRecord unit, int partitions) {
                    // worker 1 is given its next unit right after this one: 60 ms on, it trains
                    // (a unit takes about 0.3 s)
                    if (unit.worker() == 1 && units.incrementAndGet() == 2 && sent.compareAndSet(false, true)) {
                        new Thread(() -> {
                            try {
                                Thread.sleep(60);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            workers.process(1).destroy(); // SIGTERM
                        }).start();
                    }
                }
            }).build().start().await(AWAIT);
            assertTrue(sent.get(), "the SIGTERM was sent");
            assertTrue(workers.process(1).waitFor(30, TimeUnit.SECONDS));
            String log = workers.log(1);
            java.util.regex.Matcher reported = java.util.regex.Pattern
                .compile("reported trial (\\d+) epoch (\\d+) partition (\\d+) to .* while shutting down").matcher(log);
            assertTrue(reported.find(), log);
            int trial = Integer.parseInt(reported.group(1));
            int epoch = Integer.parseInt(reported.group(2));
            int partition = Integer.parseInt(reported.group(3));
            assertTrue(result.units().stream().anyMatch(u -> u.worker() == 1 && u.trialId() == trial
                && u.epoch() == epoch && u.partition() == partition), "the coordinator took it: " + result.units());
            assertTrue(log.indexOf("while shutting down") < log.indexOf("stopped"), log);
            assertEquals(sequential(train, validation, 64), result.trials());
        }
    }

    // 4. Naming a class runs nothing

    @Test
    void aSetupNamingAClassOfAnotherKindIsRefusedWithoutRunningItsInitializer(@TempDir Path tmp) throws Exception {
        try (WorkerProcesses workers = WorkerProcesses.start(tmp, 1); Socket socket = connect(workers.address(0), null)) {
            FrameChannel channel = new FrameChannel(socket, null, 5_000);
            Handshake.authenticateToWorker(channel, WorkerProcesses.SECRET, 5_000);
            channel.write(new Message.Setup(new TrainableSpec(TrainableSpec.CLASS,
                Map.of("class", InitializerBomb.class.getName())), 5, 3), 1);
            Message reply = Message.decode(channel.read(1 << 20, 10_000), getClass().getClassLoader());
            assertTrue(reply instanceof Message.Error error && error.message().contains(InitializerBomb.class.getName())
                && error.message().contains("is not a concrete Trainable"), reply.toString());
            Thread.sleep(200);
            assertTrue(!workers.log(0).contains(InitializerBomb.MARK), "its static initializer never ran:\n"
                + workers.log(0));
        }
    }
}
