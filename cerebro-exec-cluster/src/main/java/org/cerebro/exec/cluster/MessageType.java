package org.cerebro.exec.cluster;

/**
 * The protocol's message types and their wire codes (PROTOCOL.md). Before authentication a
 * worker accepts only {@link #AUTH}; a coordinator only {@link #CHALLENGE}, {@link #AUTH_OK} and
 * {@link #ERROR}.
 */
enum MessageType {
    /** Worker to coordinator, first frame: the worker's nonce. */
    CHALLENGE(1),
    /** Coordinator to worker: its nonce and its proof of the secret. */
    AUTH(2),
    /** Worker to coordinator: the worker's proof of the secret, and what the worker is. */
    AUTH_OK(3),
    /** Coordinator to worker: what to train (the trainable's spec) and the data's shape. */
    SETUP(10),
    /** Worker to coordinator: set up. */
    SETUP_OK(11),
    /** Coordinator to worker: a partition by content hash; the worker says whether it has it. */
    PARTITION_OFFER(20),
    /** Worker to coordinator: has the offered partition, or needs it sent. */
    PARTITION_STATUS(21),
    /** Coordinator to worker: a chunk of the partition being sent. */
    PARTITION_CHUNK(22),
    /** Coordinator to worker: the partition is sent; verify and keep it. */
    PARTITION_END(23),
    /** Coordinator to worker: train a trial one pass over a partition (and evaluate). */
    TRAIN_UNIT(30),
    /**
     * Worker to coordinator: the unit's outcome and the trial's state afterwards; for a rank of a
     * data-parallel epoch (partition -1), the rank's loss sum (and, from rank 0, the state).
     */
    UNIT_DONE(31),
    /** Coordinator to worker: be rank r of k of a data-parallel epoch, its ring's next rank at an address. */
    DP_START(32),
    /** Worker to worker, first frame of a ring link: which epoch (group) and rank it comes from. */
    PEER_HELLO(34),
    /** Worker to worker: a slice of a step's gradient, in the ring's reduce-scatter or all-gather. */
    DP_CHUNK(35),
    /** Either way: are you there? */
    HEARTBEAT(40),
    /** The answer to a heartbeat, echoing it. */
    HEARTBEAT_ACK(41),
    /** Coordinator to worker: drop this session's units that have not started. */
    CANCEL(50),
    /** Coordinator to worker: stop the daemon gracefully. */
    SHUTDOWN(51),
    /** Either way: a request failed or the peer is refused; the payload says why. */
    ERROR(60),
    /** Worker to a connecting peer: not now (its address is backing off, or the sessions are full); try after a delay. */
    RETRY_LATER(61);

    private static final MessageType[] BY_CODE = new MessageType[64];

    static {
        for (MessageType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    final short code;

    MessageType(int code) {
        this.code = (short) code;
    }

    /** The type with this wire code, or null for an unknown code. */
    static MessageType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
