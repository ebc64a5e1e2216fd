package org.cerebro.exec.cluster;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A man in the middle between a coordinator and a worker, over real sockets: it relays both
 * directions and, on the first connection only, does one thing to the first {@code TRAIN_UNIT}
 * frame the coordinator sends: alters a byte of it, or sends it twice; later connections (the
 * coordinator reconnecting) are relayed untouched. Or it relays every connection at a slow link's
 * speed, {@link #THROTTLE_BYTES_PER_SECOND} from coordinator to worker.
 */
final class TamperingProxy implements AutoCloseable {
    enum Mode { ALTER, REPLAY, THROTTLE }

    static final long THROTTLE_BYTES_PER_SECOND = 2L << 20;

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Mode mode;
    private final AtomicBoolean tampered = new AtomicBoolean();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    TamperingProxy(String target, Mode mode) throws IOException {
        int colon = target.lastIndexOf(':');
        this.target = new InetSocketAddress(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
        this.mode = mode;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Whether the frame was tampered with (the coordinator sent a unit through the proxy). */
    boolean tampered() {
        return tampered.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket coordinator = server.accept();
                Socket worker = new Socket();
                worker.connect(target, 2_000);
                sockets.add(coordinator);
                sockets.add(worker);
                boolean first = sockets.size() == 2;
                daemon(() -> relay(worker.getInputStream(), coordinator.getOutputStream()));
                daemon(() -> frames(new DataInputStream(coordinator.getInputStream()), worker.getOutputStream(), first));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void daemon(IoTask task) {
        Thread thread = new Thread(() -> {
            try {
                task.run();
            } catch (IOException e) {
                // a side closed: the relay ends
            }
        }, "proxy-relay");
        thread.setDaemon(true);
        thread.start();
    }

    private interface IoTask {
        void run() throws IOException;
    }

    private static void relay(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[64 << 10];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
            out.flush();
        }
        out.close();
    }

    /** Coordinator to worker, frame by frame: the first (AUTH) has no tag, every later one a 32-byte tag. */
    private void frames(DataInputStream in, OutputStream out, boolean tamper) throws IOException {
        for (int index = 0; ; index++) {
            byte[] header = new byte[FrameChannel.HEADER_BYTES];
            in.readFully(header);
            ByteBuffer fields = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            int type = fields.getShort(6);
            int length = fields.getInt(16);
            byte[] rest = new byte[length + (index == 0 ? 0 : FrameChannel.TAG_BYTES)];
            in.readFully(rest);
            boolean target = tamper && type == MessageType.TRAIN_UNIT.code && tampered.compareAndSet(false, true);
            if (target && mode == Mode.ALTER) {
                rest[length / 2] ^= 0x01; // one bit of the payload
            }
            out.write(header);
            out.write(rest);
            if (target && mode == Mode.REPLAY) {
                out.write(header); // the same frame again, tag and all
                out.write(rest);
            }
            out.flush();
            if (mode == Mode.THROTTLE) {
                try {
                    Thread.sleep((header.length + rest.length) * 1000L / THROTTLE_BYTES_PER_SECOND);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
